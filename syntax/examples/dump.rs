//! Dumps the errors (and, with `TREE=1`, the tree) of each file given; `REPEAT=n` parses n
//! more times for profiling, `STACK=bytes` sets the thread stack size. A development aid.
fn main() {
    let stack: usize = std::env::var("STACK")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8 << 20);
    std::thread::Builder::new()
        .stack_size(stack)
        .spawn(run)
        .unwrap()
        .join()
        .unwrap();
}

fn run() {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap();
        let repeat: usize = std::env::var("REPEAT")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        for _ in 0..repeat {
            std::hint::black_box(rhythm_syntax::parse(&text));
        }
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
