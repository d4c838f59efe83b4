pub mod disasm;
pub mod pack;
pub mod run;
pub mod schedule;
