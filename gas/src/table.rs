//! A schedule table of named `u64` entries (TOML table ⇄ Rust struct).
//!
//! Written once as a macro so every table gets the same guarantees: every key
//! is required, unknown keys are rejected (a typo must not silently fall back to
//! a default), the borsh encoding follows declaration order (the canonical hash
//! depends on it), and `entries()` lists keys in that same order for `show`/`diff`.

macro_rules! u64_table {
    ($(#[$m:meta])* pub struct $name:ident { $($(#[$fm:meta])* $f:ident,)* }) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[derive(borsh::BorshSerialize, borsh::BorshDeserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name { $($(#[$fm])* pub $f: u64,)* }

        impl $name {
            /// `(key, value)` pairs in declaration order, for listings and diffs.
            pub fn entries(&self) -> Vec<(&'static str, u64)> {
                vec![$((stringify!($f), self.$f),)*]
            }
        }
    };
}

pub(crate) use u64_table;
