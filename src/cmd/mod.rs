pub mod block;
pub mod disasm;
pub mod gas_scenarios;
pub mod pack;
pub mod run;
pub mod schedule;
pub mod state;
