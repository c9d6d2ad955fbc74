//! The language server under random edits and requests (`rhythm_fuzz::lsp::check_lsp`).
#![no_main]
libfuzzer_sys::fuzz_target!(|input: rhythm_fuzz::lsp::LspInput| {
    rhythm_fuzz::lsp::check_lsp(&input);
});
