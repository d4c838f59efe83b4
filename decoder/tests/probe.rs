//! Developer aid: `PROBE="0f 1c 00;66 0f 1c 00" cargo test --test probe -- --nocapture`
//! prints iced-x86's and echovm's decoding of each hex string.

mod common;

#[test]
fn probe() {
    let Ok(s) = std::env::var("PROBE") else {
        return;
    };
    for item in s.split(';') {
        let bytes: Vec<u8> = item
            .split_whitespace()
            .map(|h| u8::from_str_radix(h, 16).unwrap())
            .collect();
        let mut padded = bytes.clone();
        padded.resize(bytes.len().max(16), 0);
        let (i, e) = common::iced_decode(&padded, 0x1000);
        let ours = echovm_decoder::decode(&padded, 0x1000);
        println!(
            "{item}: iced `{i}` {:?} len {} ops {} err {e:?} | ours {ours:?}",
            i.code(),
            i.len(),
            i.op_count()
        );
    }
}
