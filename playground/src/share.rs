//! Share links: the whole flow set in the link's fragment, as `#v1.<data>` where the data is
//! the set's JSON, deflated and base64url-encoded. Settings, and so the API key, stay out.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use miniz_oxide::deflate::compress_to_vec;
use miniz_oxide::inflate::decompress_to_vec_with_limit;

use crate::flowdoc::FlowDoc;

const PREFIX: &str = "#v1.";

/// Larger flow sets than this are refused when a link is opened, so a crafted link cannot
/// make the page inflate gigabytes.
const MAX_JSON_BYTES: usize = 4 << 20;

/// The fragment that carries `doc`, with its leading `#`.
pub(crate) fn encode(doc: &FlowDoc) -> String {
    let json = serde_json::to_vec(doc).unwrap_or_default();
    let packed = compress_to_vec(&json, 9);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(packed))
}

/// The flow set in a fragment; `None` if the fragment holds none, `Err` if it is damaged.
pub(crate) fn decode(fragment: &str) -> Option<Result<FlowDoc, String>> {
    let Some(data) = fragment.strip_prefix(PREFIX) else {
        let version = fragment
            .strip_prefix("#v")?
            .split('.')
            .next()
            .unwrap_or_default();
        if version.is_empty() || !version.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        return Some(Err(format!(
            "the link is in format v{version}, which this playground cannot read (it reads v1)"
        )));
    };
    Some(unpack(data).and_then(check))
}

/// A link's flow set passes the checks a runtime makes, so a tampered link cannot bring in
/// calls that leave the endpoint; it is refused when opened, not at every run.
fn check(doc: FlowDoc) -> Result<FlowDoc, String> {
    let flows = doc.to_flow_set();
    flows
        .manifest()
        .validate()
        .map_err(|error| format!("the link's flow set cannot be used: {error}"))?;
    Ok(doc)
}

fn unpack(data: &str) -> Result<FlowDoc, String> {
    let packed = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|error| format!("the link is damaged ({error})"))?;
    let json = decompress_to_vec_with_limit(&packed, MAX_JSON_BYTES)
        .map_err(|error| format!("the link is damaged ({error})"))?;
    serde_json::from_slice(&json).map_err(|error| format!("the link holds no flow set ({error})"))
}
