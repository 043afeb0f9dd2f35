//! Body readers: the checks of an upload's headers, and its body as `Read` on the indexing
//! thread, fed from the connection with a deadline and a size limit.

use std::io::{BufRead, BufReader, ErrorKind, Read};
use std::time::Duration;

use actix_web::http::header;
use actix_web::{web, HttpRequest};
use futures_util::StreamExt;
use tokio::sync::mpsc;

use crate::error::{ApiError, ErrorCode};
use crate::write::WriteSettings;

/// Upload chunks in flight between the connection and the indexing thread.
const CHANNEL_CHUNKS: usize = 16;

/// Largest body of `PUT /v1/documents/{id}` (one record, as one NDJSON line may be).
pub(super) const MAX_RECORD_BYTES: usize = chaxin_ingest::MAX_LINE_BYTES;

/// 415 unless the body is declared NDJSON (or JSON lines).
pub(super) fn require_ndjson(req: &HttpRequest) -> Result<(), ApiError> {
    let (value, essence) = crate::routes::content_type(req).unwrap_or_default();
    match essence.as_str() {
        "application/x-ndjson"
        | "application/ndjson"
        | "application/jsonl"
        | "application/json" => Ok(()),
        _ => Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            format!(
                "Content-Type `{value}` is not NDJSON: send `Content-Type: application/x-ndjson` \
                 (one JSON record per line)"
            ),
        )),
    }
}

/// Whether the body is zstd-compressed (`Content-Encoding: zstd`); other encodings are 415.
pub(super) fn zstd_encoded(req: &HttpRequest) -> Result<bool, ApiError> {
    let Some(value) = req.headers().get(header::CONTENT_ENCODING) else {
        return Ok(false);
    };
    match value
        .to_str()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
        .as_str()
    {
        "zstd" => Ok(true),
        "identity" | "" => Ok(false),
        other => Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            format!("Content-Encoding `{other}` is not supported: send zstd or no encoding"),
        )),
    }
}

/// What the connection side sends the indexing thread.
pub(super) enum BodyPart {
    Data(web::Bytes),
    /// The body was read to its end.
    End,
    /// The body could not be read whole (reset, incomplete, too slow).
    Failed(std::io::Error),
}

/// An error when the body arrives slower than the minimum rate, after the grace period.
fn too_slow(sent: u64, waited: Duration, pace: &WriteSettings) -> Option<std::io::Error> {
    if waited <= pace.body_idle_timeout {
        return None;
    }
    let rate = sent as f64 / waited.as_secs_f64();
    (rate < pace.min_body_bytes_per_sec as f64).then(|| {
        std::io::Error::new(
            ErrorKind::TimedOut,
            format!(
                "the upload arrived at {rate:.0} bytes/s, below the minimum of {} bytes/s",
                pace.min_body_bytes_per_sec
            ),
        )
    })
}

/// The upload as `Read`, fed chunk by chunk from the connection. The end of the channel
/// without [`BodyPart::End`] is an error, never the end of the body.
struct ChannelReader {
    chunks: mpsc::Receiver<BodyPart>,
    current: web::Bytes,
    ended: bool,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            if self.ended {
                return Ok(0);
            }
            match self.chunks.blocking_recv() {
                Some(BodyPart::Data(bytes)) => self.current = bytes,
                Some(BodyPart::End) => self.ended = true,
                Some(BodyPart::Failed(error)) => return Err(error),
                None => {
                    return Err(std::io::Error::new(
                        ErrorKind::UnexpectedEof,
                        "the connection ended before the body was complete",
                    ))
                }
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

/// A reader that fails with `FileTooLarge` after `left` bytes.
struct Limited<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(std::io::Error::new(
                ErrorKind::FileTooLarge,
                "upload larger than the limit",
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// The channel from the connection to the indexing thread.
pub(super) fn channel() -> (mpsc::Sender<BodyPart>, mpsc::Receiver<BodyPart>) {
    mpsc::channel(CHANNEL_CHUNKS)
}

/// The upload as the indexing thread reads it: decompressed when `zstd`, failing past
/// `limit` bytes compressed or not.
pub(super) fn reader(
    received: mpsc::Receiver<BodyPart>,
    zstd: bool,
    limit: u64,
) -> Result<Box<dyn BufRead>, ApiError> {
    let body = Limited {
        inner: ChannelReader {
            chunks: received,
            current: web::Bytes::new(),
            ended: false,
        },
        left: limit,
    };
    Ok(if zstd {
        let decoder = zstd::Decoder::new(body)
            .map_err(|e| ApiError::new(ErrorCode::BadRequest, format!("zstd body: {e}")))?;
        Box::new(BufReader::new(Limited {
            inner: decoder,
            left: limit,
        }))
    } else {
        Box::new(BufReader::new(body))
    })
}

/// Feeds the body to the indexing thread as it arrives. Only a body read to its end sends
/// [`BodyPart::End`], so a reset connection or a dropped request can never look like a whole
/// upload.
pub(super) async fn feed(
    mut payload: web::Payload,
    chunks: mpsc::Sender<BodyPart>,
    pace: WriteSettings,
    limit: u64,
) {
    let mut sent: u64 = 0;
    // Time spent waiting for the client (not for the indexing thread).
    let mut waited = Duration::ZERO;
    loop {
        let asked = std::time::Instant::now();
        let next = actix_web::rt::time::timeout(pace.body_idle_timeout, payload.next()).await;
        waited += asked.elapsed();
        let part = match next {
            Err(_) => BodyPart::Failed(std::io::Error::new(
                ErrorKind::TimedOut,
                format!(
                    "the upload sent nothing for {} ms (after {sent} bytes)",
                    pace.body_idle_timeout.as_millis()
                ),
            )),
            Ok(None) => BodyPart::End,
            Ok(Some(Err(e))) => BodyPart::Failed(std::io::Error::new(
                ErrorKind::UnexpectedEof,
                format!("the body was not received whole ({e})"),
            )),
            Ok(Some(Ok(bytes))) => {
                sent += bytes.len() as u64;
                // What tests wait for to know that an upload is under way.
                tracing::debug!(target: "chaxin::write", "upload body: {sent} bytes received");
                match too_slow(sent, waited, &pace) {
                    Some(error) => BodyPart::Failed(error),
                    None => BodyPart::Data(bytes),
                }
            }
        };
        let last = !matches!(part, BodyPart::Data(_)) || sent > limit;
        if chunks.send(part).await.is_err() || last {
            break;
        }
    }
}
