//! The wasm32 build run by wasmi with fuel metering on (the fair peer of a
//! metered VM): storage imports `env.storage_read/storage_write` backed by a
//! [`KvStore`] in the store's data.

use crate::clock::CpuInstant as Instant;
use crate::store::KvStore;
use crate::BenchError;
use std::path::Path;
use std::time::Duration;
use wasmi::{Caller, Config, Engine, Extern, Linker, Module, Store, TypedFunc};

/// Fuel given to every call: enough for any kernel, so metering is on but never stops a run.
pub const FUEL: u64 = 1 << 60;

fn wasm_err(e: impl std::fmt::Display) -> BenchError {
    BenchError::Wasm(e.to_string())
}

/// Guest memory of the calling instance and the host data.
fn memory_and_store<'a>(
    caller: &'a mut Caller<'_, KvStore>,
) -> Result<(&'a mut [u8], &'a mut KvStore), wasmi::Error> {
    let Some(Extern::Memory(mem)) = caller.get_export("memory") else {
        return Err(wasmi::Error::new("module exports no memory"));
    };
    Ok(mem.data_and_store_mut(caller))
}

fn range(len: usize, ptr: u32, n: u32) -> Result<std::ops::Range<usize>, wasmi::Error> {
    let start = ptr as usize;
    let end = start.checked_add(n as usize).filter(|&e| e <= len);
    end.map(|e| start..e)
        .ok_or_else(|| wasmi::Error::new("storage pointer out of bounds"))
}

fn linker(engine: &Engine) -> Result<Linker<KvStore>, BenchError> {
    let mut linker = Linker::new(engine);
    linker
        .func_wrap(
            "env",
            "storage_read",
            |mut caller: Caller<'_, KvStore>,
             key: u32,
             key_len: u32,
             dst: u32,
             cap: u32|
             -> Result<i64, wasmi::Error> {
                let (mem, store) = memory_and_store(&mut caller)?;
                let k = range(mem.len(), key, key_len)?;
                let d = range(mem.len(), dst, cap)?;
                // Key and destination may overlap in principle: copy the key out first.
                let mut kbuf = [0u8; 256];
                let klen = k.len().min(256);
                kbuf[..klen].copy_from_slice(&mem[k.start..k.start + klen]);
                if k.len() > 256 {
                    return Err(wasmi::Error::new("storage key too long"));
                }
                Ok(store.read_into(&kbuf[..klen], &mut mem[d]))
            },
        )
        .map_err(wasm_err)?;
    linker
        .func_wrap(
            "env",
            "storage_write",
            |mut caller: Caller<'_, KvStore>,
             key: u32,
             key_len: u32,
             val: u32,
             val_len: u32|
             -> Result<(), wasmi::Error> {
                let (mem, store) = memory_and_store(&mut caller)?;
                let k = range(mem.len(), key, key_len)?;
                let v = range(mem.len(), val, val_len)?;
                store.write(&mem[k], &mem[v]);
                Ok(())
            },
        )
        .map_err(wasm_err)?;
    Ok(linker)
}

/// A compiled module plus what is needed to instantiate it.
pub struct WasmModule {
    engine: Engine,
    module: Module,
    linker: Linker<KvStore>,
}

/// A live instance whose `run` export is called repeatedly.
pub struct WasmInstance {
    store: Store<KvStore>,
    run: TypedFunc<u32, u64>,
}

impl WasmModule {
    pub fn load(path: &Path) -> Result<Self, BenchError> {
        let bytes =
            std::fs::read(path).map_err(|e| BenchError::Io(path.display().to_string(), e))?;
        let mut config = Config::default();
        config.consume_fuel(true);
        let engine = Engine::new(&config);
        let module = Module::new(&engine, &bytes[..]).map_err(wasm_err)?;
        let linker = linker(&engine)?;
        Ok(WasmModule {
            engine,
            module,
            linker,
        })
    }

    /// A fresh store and instance (what a wasm chain does per call).
    pub fn instantiate(&self) -> Result<WasmInstance, BenchError> {
        let mut store = Store::new(&self.engine, KvStore::default());
        store.set_fuel(FUEL).map_err(wasm_err)?;
        let instance = self
            .linker
            .instantiate_and_start(&mut store, &self.module)
            .map_err(wasm_err)?;
        let run = instance
            .get_typed_func::<u32, u64>(&store, "run")
            .map_err(wasm_err)?;
        Ok(WasmInstance { store, run })
    }
}

impl WasmInstance {
    /// One timed call of `run(n)` on empty storage: (time, checksum, fuel consumed).
    pub fn call(&mut self, n: u32) -> Result<(Duration, u64, u64), BenchError> {
        self.store.data_mut().clear();
        self.store.set_fuel(FUEL).map_err(wasm_err)?;
        let t = Instant::now();
        let sum = self.run.call(&mut self.store, n).map_err(wasm_err)?;
        let time = t.elapsed();
        let fuel = FUEL - self.store.get_fuel().map_err(wasm_err)?;
        Ok((time, sum, fuel))
    }

    /// `run(n)` without a stopwatch: the checksum.
    pub fn call_untimed(&mut self, n: u32) -> Result<u64, BenchError> {
        self.store.data_mut().clear();
        self.store.set_fuel(FUEL).map_err(wasm_err)?;
        self.run.call(&mut self.store, n).map_err(wasm_err)
    }
}
