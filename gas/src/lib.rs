//! Fee schedules, the gas meter and execution limits.
