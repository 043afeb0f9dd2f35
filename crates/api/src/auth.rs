//! API keys: `Authorization: Bearer <key>`, read keys and write keys.
//!
//! Invariants: a write key also reads; with no read key configured, reads are open; writes
//! need a write key unless the server runs in the explicit open mode (local use). Keys are
//! compared in constant time (`subtle`), and every configured key is compared, so the time
//! taken does not tell which key came close.

use actix_web::http::header;
use actix_web::HttpRequest;
use subtle::ConstantTimeEq;

use crate::error::{ApiError, ErrorCode};

/// What a route needs (declared per route in [`crate::table::ROUTES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Nothing: `/healthz` and the API description.
    Public,
    /// A read key when read keys are set.
    Read,
    /// A write key (unless the server runs in the open mode).
    Write,
}

/// The configured keys.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ApiKeys {
    /// Keys that may read (search, novelty, reports, stats).
    pub read: Vec<String>,
    /// Keys that may also write (documents, indexes, aliases).
    pub write: Vec<String>,
    /// Writes without a key (local use only; the server warns off loopback).
    pub open: bool,
}

impl std::fmt::Debug for ApiKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the keys themselves.
        f.debug_struct("ApiKeys")
            .field("read", &self.read.len())
            .field("write", &self.write.len())
            .field("open", &self.open)
            .finish()
    }
}

/// Shortest key accepted: shorter keys are guessable.
pub const MIN_KEY_CHARS: usize = 16;

impl ApiKeys {
    /// Keys from comma-separated lists (blank entries ignored); keys shorter than
    /// [`MIN_KEY_CHARS`] or with characters outside visible ASCII are refused.
    pub fn from_lists(read: &str, write: &str, open: bool) -> Result<Self, String> {
        let split = |list: &str, name: &str| -> Result<Vec<String>, String> {
            list.split(',')
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .enumerate()
                .map(|(i, k)| {
                    if k.chars().count() < MIN_KEY_CHARS {
                        Err(format!(
                            "{name} key {} is {} characters; use at least {MIN_KEY_CHARS}",
                            i + 1,
                            k.chars().count()
                        ))
                    } else if !k.chars().all(|c| c.is_ascii_graphic()) {
                        Err(format!(
                            "{name} key {} has characters other than visible ASCII",
                            i + 1
                        ))
                    } else {
                        Ok(k.to_string())
                    }
                })
                .collect()
        };
        Ok(Self {
            read: split(read, "read")?,
            write: split(write, "write")?,
            open,
        })
    }

    /// Whether reads need a key.
    pub fn reads_need_key(&self) -> bool {
        !self.read.is_empty()
    }

    /// Checks the request's bearer key for `access`: 401 without a usable key, 403 with a
    /// key that does not grant it.
    pub fn require(&self, req: &HttpRequest, access: Access) -> Result<(), ApiError> {
        let needed = match access {
            Access::Public => false,
            Access::Read => self.reads_need_key(),
            Access::Write => !self.open,
        };
        if !needed {
            return Ok(());
        }
        if access == Access::Write && self.write.is_empty() {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "writes are disabled: no write key is configured (set CHAXIN_WRITE_KEY, or \
                 start the server with --open for local use)",
            ));
        }
        let Some(presented) = bearer(req)? else {
            return Err(ApiError::new(
                ErrorCode::Unauthorized,
                "this route needs an API key: send `Authorization: Bearer <key>`",
            ));
        };
        let is_write = matches(&self.write, presented);
        let granted = match access {
            Access::Write => is_write,
            Access::Read | Access::Public => is_write | matches(&self.read, presented),
        };
        if granted {
            Ok(())
        } else if access == Access::Write && matches(&self.read, presented) {
            Err(ApiError::new(
                ErrorCode::Forbidden,
                "this key may read, not write: use a write key",
            ))
        } else {
            Err(ApiError::new(
                ErrorCode::Forbidden,
                "the API key is not valid",
            ))
        }
    }
}

/// The bearer token of the request, if it sends one.
fn bearer(req: &HttpRequest) -> Result<Option<&str>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let malformed = || {
        ApiError::new(
            ErrorCode::Unauthorized,
            "malformed Authorization header: send `Authorization: Bearer <key>`",
        )
    };
    let value = value.to_str().map_err(|_| malformed())?;
    let (scheme, token) = value.trim().split_once(' ').ok_or_else(malformed)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(malformed());
    }
    Ok(Some(token.trim()))
}

/// Whether `presented` equals one of `keys`, comparing with every key in constant time.
fn matches(keys: &[String], presented: &str) -> bool {
    keys.iter().fold(false, |found, key| {
        found | bool::from(key.as_bytes().ct_eq(presented.as_bytes()))
    })
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    const READ: &str = "read-key-0123456789";
    const WRITE: &str = "write-key-0123456789";

    fn keys() -> ApiKeys {
        ApiKeys::from_lists(&format!(" {READ} ,"), WRITE, false).unwrap_or_default()
    }

    fn status(keys: &ApiKeys, auth: Option<&str>, access: Access) -> u16 {
        let mut req = TestRequest::default();
        if let Some(auth) = auth {
            req = req.insert_header((header::AUTHORIZATION, auth));
        }
        match keys.require(&req.to_http_request(), access) {
            Ok(()) => 200,
            Err(e) => e.code.status().as_u16(),
        }
    }

    #[test]
    fn write_keys_write_and_read_keys_only_read() {
        let k = keys();
        let (read, write) = (format!("Bearer {READ}"), format!("bearer {WRITE}"));
        assert_eq!(status(&k, Some(&write), Access::Write), 200);
        assert_eq!(status(&k, Some(&write), Access::Read), 200);
        assert_eq!(status(&k, Some(&read), Access::Read), 200);
        assert_eq!(status(&k, Some(&read), Access::Write), 403);
        assert_eq!(status(&k, None, Access::Read), 401);
        assert_eq!(status(&k, None, Access::Write), 401);
        assert_eq!(
            status(&k, Some("Bearer wrong-key-0123456789"), Access::Read),
            403
        );
        assert_eq!(status(&k, Some(READ), Access::Read), 401, "no scheme");
        assert_eq!(status(&k, Some("Basic abc"), Access::Read), 401);
    }

    #[test]
    fn without_keys_reads_are_open_and_writes_need_the_open_mode() {
        let closed = ApiKeys::default();
        assert_eq!(status(&closed, None, Access::Read), 200);
        assert_eq!(status(&closed, None, Access::Write), 403);
        let open = ApiKeys {
            open: true,
            ..ApiKeys::default()
        };
        assert_eq!(status(&open, None, Access::Write), 200);
    }

    #[test]
    fn short_or_non_ascii_keys_are_refused() {
        assert!(ApiKeys::from_lists("short", "", false).is_err());
        assert!(ApiKeys::from_lists("", "密钥密钥密钥密钥密钥密钥密钥密钥", false).is_err());
        let k = ApiKeys::from_lists("", &format!("{WRITE},,{WRITE}x"), false);
        assert_eq!(k.map(|k| k.write.len()), Ok(2));
    }
}
