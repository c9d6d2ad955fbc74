//! Dumps the tree and errors of each file given (a development aid).
fn main() {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap();
        let r = std::panic::catch_unwind(|| rhythm_syntax::parse(&text));
        match r {
            Ok(p) => {
                if std::env::var("TREE").is_ok() {
                    print!("{}", rhythm_syntax::debug_tree(&p.syntax()));
                }
                for e in p.errors() {
                    println!("{path}: {:?}: {}", e.range, e.message);
                }
            }
            Err(_) => println!("{path}: PANIC"),
        }
    }
}
