use serde_json::json;

use super::*;
use crate::{Program, RunContext, start};

fn suspended(source: &str, inputs: Json) -> (Program, Vec<u8>) {
    let program = Program::compile(source).expect("compiles");
    let step = start(&program, inputs, &RunContext::default());
    let bytes = step.state.expect("suspended");
    (program, bytes)
}

fn view(source: &str) -> StateView {
    let (program, bytes) = suspended(source, json!({"userId": "u1", "total": 42}));
    view_state(&program, &bytes, RenderLimits::default()).expect("views")
}

#[test]
fn the_await_line_and_the_script_variables() {
    let v = view(
        "const id = Inputs.userId\nlet count = 2\nconst items = [1, \"a\", null]\n\
         const approval = await Signal.next(\"approve\")\nreturn approval\n",
    );
    assert_eq!(v.frames.len(), 1);
    let f = &v.frames[0];
    assert_eq!((f.function.as_str(), f.line, f.column), ("<script>", 4, 18));
    assert_eq!(f.variables["id"], json!("u1"));
    assert_eq!(f.variables["count"], json!(2));
    assert_eq!(f.variables["items"], json!([1, "a", null]));
    // Declared by the await itself: still in its temporal dead zone.
    assert!(!f.variables.contains_key("approval"));
    assert_eq!(v.awaiting.len(), 1);
}

#[test]
fn frames_innermost_first_with_their_own_and_captured_variables() {
    let v = view(
        "const base = 10\nlet calls = 0\n\
         async function charge(amount) {\n  calls += 1\n  const fee = amount / base\n  \
         return await Task.run(\"charge\", { amount, fee })\n}\n\
         const result = await charge(Inputs.total)\nreturn result\n",
    );
    let names: Vec<&str> = v.frames.iter().map(|f| f.function.as_str()).collect();
    assert_eq!(names, ["charge", "<script>"]);
    let inner = &v.frames[0];
    assert_eq!(inner.line, 6);
    assert_eq!(inner.variables["amount"], json!(42));
    assert_eq!(inner.variables["fee"], json!(4.2));
    // Captured bindings of the script, seen through the closure's environment.
    assert_eq!(inner.variables["base"], json!(10));
    assert_eq!(inner.variables["calls"], json!(1));
    let outer = &v.frames[1];
    assert_eq!(outer.line, 8);
    assert_eq!(outer.variables["calls"], json!(1));
    assert!(outer.variables.contains_key("charge"));
}

#[test]
fn values_that_are_not_json_are_tagged_and_large_ones_cut() {
    let (program, bytes) = suspended(
        "const f = (x) => x\nconst big = []\nfor (let i = 0; i < 500; i++) { big.push(i) }\n\
         const cyc = { name: \"c\" }\ncyc.self = cyc\nconst when = new Date(0)\n\
         let nothing = undefined\nconst nan = 0 / 0\nconst t = Task.run(\"x\")\n\
         await Timer.delay(\"1h\")\n",
        json!({}),
    );
    let limits = RenderLimits {
        max_nodes: 50,
        ..RenderLimits::default()
    };
    let v = view_state(&program, &bytes, limits).expect("views");
    let vars = &v.frames[0].variables;
    assert_eq!(vars["f"]["$type"], "function");
    assert_eq!(vars["f"]["display"], "[Function: f]");
    let big = vars["big"].as_array().expect("array");
    assert_eq!(big.len(), 50);
    assert_eq!(big[49]["$type"], "truncated");
    assert_eq!(vars["cyc"]["self"]["$type"], "circular");
    assert_eq!(
        vars["when"],
        json!({"$type": "date", "display": "1970-01-01T00:00:00.000Z"})
    );
    assert_eq!(vars["nothing"]["$type"], "undefined");
    assert_eq!(vars["nan"]["display"], "NaN");
    assert_eq!(vars["t"]["$type"], "handle");
    assert_eq!(vars["t"]["state"], "pending");
}

#[test]
fn concurrent_branches_and_combinators() {
    let v = view(
        "async function one(n) {\n  const r = await Task.run(\"t\", { n })\n  return r\n}\n\
         const all = await Promise.all([one(1), one(2)])\nreturn all\n",
    );
    assert_eq!(v.frames[0].function, "<script>");
    assert_eq!(v.frames[0].line, 5);
    assert_eq!(v.branches.len(), 2);
    assert_eq!(v.branches[0][0].function, "one");
    assert_eq!(v.branches[0][0].variables["n"], json!(1));
    assert_eq!(v.branches[1][0].variables["n"], json!(2));
}

#[test]
fn a_state_of_another_program_is_refused() {
    let (_, bytes) = suspended("await Timer.delay(\"1s\")\n", json!({}));
    let other = Program::compile("await Timer.delay(\"2s\")\n").expect("compiles");
    let err = view_state(&other, &bytes, RenderLimits::default()).expect_err("refused");
    assert!(matches!(err, StateError::ProgramMismatch { .. }));
    assert!(view_state(&other, b"garbage", RenderLimits::default()).is_err());
}

/// The layout the inspector assumes is the one the compiler gives, for every binding of every
/// example and corpus program.
#[test]
fn layout_matches_the_compiler() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in ["examples", "interpreter/tests/corpus"] {
        collect_flows(&root.join(dir), &mut files);
    }
    assert!(files.len() > 20, "found {} programs", files.len());
    let mut checked = 0;
    for path in files {
        let source = std::fs::read_to_string(&path).expect("reads");
        let analysis = rhythm_analyzer::analyze(&source);
        let Ok(program) = Program::from_module(&source, &analysis.module) else {
            continue;
        };
        let layout = Layout::of(&analysis.module);
        for (i, b) in analysis.module.bindings.iter().enumerate() {
            if let Some(Place::Local(slot)) = layout.places[i] {
                let code = &program.funcs[b.function.index()];
                assert_eq!(
                    code.local_names.get(usize::from(slot)).map(|s| &**s),
                    Some(b.name.as_str()),
                    "{}: binding {} of function {}",
                    path.display(),
                    b.name,
                    code.name
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100);
}

fn collect_flows(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_flows(&p, out);
        } else if p.extension().is_some_and(|x| x == "flow" || x == "js") {
            out.push(p);
        }
    }
}
