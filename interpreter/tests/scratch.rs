mod common;
#[test]
fn scratch() {
    let src = std::fs::read_to_string("/tmp/t.flow").unwrap();
    let a = rhythm_analyzer::analyze(&src);
    for d in &a.diagnostics { println!("DIAG {} {}", d.code, d.message); }
    let p = rhythm_interpreter::Program::from_module(&src, &a.module).unwrap();
    if std::env::var("DIS").is_ok() { println!("{}", p.disassemble()); }
    let r = common::run_to_end(&p, serde_json::json!({}), &common::ctx("t"));
    for l in &r.logs { println!("LOG {l}"); }
    println!("REQ {:?}", r.requests);
    println!("OUT {}", common::outcome_text(&r));
    println!("SIZES {:?}", r.state_sizes);
}
