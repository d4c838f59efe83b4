//! Native execution oracle for differential tests.
