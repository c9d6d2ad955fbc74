//! Formatting keeps every token and is idempotent (`rhythm_fuzz::check_format`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        rhythm_fuzz::check_format(text);
    }
});
