//! JavaScript's value semantics as plain functions, independent of the VM's heap: number
//! formatting and parsing, UTF-16 string operations, dates. Each function matches the
//! ECMAScript specification (and so Node) exactly.
