//! Test files: a clear, placed error or cases that run (`rhythm_fuzz::check_testfile`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        rhythm_fuzz::check_testfile(text);
    }
});
