pub mod block;
pub mod disasm;
pub mod pack;
pub mod run;
pub mod schedule;
pub mod state;
