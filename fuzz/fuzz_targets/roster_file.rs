//! Arbitrary bytes as an uploaded roster (.csv or .xlsx): rows or a clear error, never a
//! panic, within the limits.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::ops::ControlFlow;

fuzz_target!(|data: &[u8]| {
    let dir = std::env::temp_dir().join(format!("gonghui-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let ext = if data.starts_with(b"PK") { "xlsx" } else { "csv" };
    let path = dir.join(format!("roster.{ext}"));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let limits = sheets::Limits { max_rows: 10_000, ..sheets::Limits::default() };
    let _ = sheets::read_rows(&path, None, limits, |_, _| ControlFlow::Continue(()));
});
