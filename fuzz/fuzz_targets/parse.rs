//! Parsing is lossless and never fails (see `rhythm_fuzz::check_parse`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        rhythm_fuzz::check_parse(text);
    }
});
