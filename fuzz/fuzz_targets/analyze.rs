//! Analysis never panics and places diagnostics inside the text (`rhythm_fuzz::check_analyze`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        rhythm_fuzz::check_analyze(text);
    }
});
