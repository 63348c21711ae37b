//! The Stripe resources the server knows, one file each.

pub(crate) mod card;
pub(crate) mod customer;
pub(crate) mod message;
pub(crate) mod payment_intent;
pub(crate) mod price;
pub(crate) mod product;
pub(crate) mod subscription;

use crate::error::ApiError;
use crate::params::Params;

/// Retrieve requests take no parameters but `expand`, which is accepted and ignored.
pub(crate) fn retrieve_params(params: &Params) -> Result<(), ApiError> {
    params.allow_only(&[])
}
