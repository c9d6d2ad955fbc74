//! Database URL helpers: point a URL at another database, add a query parameter, and refuse
//! anything that is not on the loopback interface.

use anyhow::{Result, bail};

/// The URL with its database (the path) replaced by `db`, query parameters kept.
pub fn with_database(url: &str, db: &str) -> Result<String> {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let Some(scheme_end) = base.find("://") else {
        bail!("not a postgres URL: {url}");
    };
    let after = &base[scheme_end + 3..];
    let authority = after.split('/').next().unwrap_or(after);
    let mut out = format!("{}{}/{}", &base[..scheme_end + 3], authority, db);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    Ok(out)
}

/// The URL with `key=value` added to its query string.
pub fn with_param(url: &str, key: &str, value: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{key}={value}")
}

/// Fails unless the URL's host is a loopback address (the harness restarts the server and kills
/// connections: it must never point at a shared or remote database).
pub fn require_loopback(url: &str) -> Result<()> {
    let base = url.split('?').next().unwrap_or(url);
    let Some(scheme_end) = base.find("://") else {
        bail!("not a postgres URL: {url}");
    };
    let authority = base[scheme_end + 3..].split('/').next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let host = if let Some(rest) = host_port.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    match host {
        "127.0.0.1" | "localhost" | "::1" | "" => Ok(()),
        other => bail!("the chaos harness only runs against a loopback Postgres, not {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_database_and_keeps_the_query() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x").ok(),
            Some("postgres://postgres@127.0.0.1:5432/x".to_owned())
        );
        assert_eq!(
            with_database("postgres://u:p@localhost/db?sslmode=disable", "y").ok(),
            Some("postgres://u:p@localhost/y?sslmode=disable".to_owned())
        );
        assert_eq!(
            with_database("postgres://127.0.0.1:5432", "z").ok(),
            Some("postgres://127.0.0.1:5432/z".to_owned())
        );
        assert!(with_database("nonsense", "z").is_err());
    }

    #[test]
    fn adds_parameters() {
        assert_eq!(with_param("postgres://h/d", "a", "b"), "postgres://h/d?a=b");
        assert_eq!(
            with_param("postgres://h/d?x=1", "a", "b"),
            "postgres://h/d?x=1&a=b"
        );
    }

    #[test]
    fn only_loopback_hosts_pass() {
        assert!(require_loopback("postgres://postgres@127.0.0.1:5432/postgres").is_ok());
        assert!(require_loopback("postgres://localhost/db").is_ok());
        assert!(require_loopback("postgres://u@[::1]:5432/db").is_ok());
        assert!(require_loopback("postgres://u@db.example.com:5432/db").is_err());
        assert!(require_loopback("postgres://u@10.0.0.5/db").is_err());
    }
}
