//! Stripe's test payment methods and card numbers, and what charging them does.

use crate::error::ApiError;

/// How a test card answers a charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Card {
    /// Every charge succeeds.
    Succeeds,
    /// Every charge is declined.
    Declines(Decline),
    /// Charges up to this many cents succeed; larger ones fail for insufficient funds.
    /// It is a limit per charge, not a balance, so a demo gives the same answer every run.
    Limit(i64),
}

/// Why a card was declined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decline {
    Generic,
    InsufficientFunds,
    LostCard,
}

/// The test payment method ids and the card each stands for.
const TEST_PAYMENT_METHODS: &[(&str, Card)] = &[
    ("pm_card_visa", Card::Succeeds),
    ("pm_card_mastercard", Card::Succeeds),
    ("pm_card_chargeDeclined", Card::Declines(Decline::Generic)),
    (
        "pm_card_chargeDeclinedInsufficientFunds",
        Card::Declines(Decline::InsufficientFunds),
    ),
    (
        "pm_card_chargeDeclinedLostCard",
        Card::Declines(Decline::LostCard),
    ),
    (LIMIT_1500, Card::Limit(1500)),
];

/// The default card of the seeded customer `cus_insufficient_funds`.
pub(crate) const LIMIT_1500: &str = "pm_card_limit_1500";

/// Stripe's test card numbers.
const TEST_NUMBERS: &[(&str, Card)] = &[
    ("4242424242424242", Card::Succeeds),
    ("5555555555554444", Card::Succeeds),
    ("4000000000000002", Card::Declines(Decline::Generic)),
    (
        "4000000000009995",
        Card::Declines(Decline::InsufficientFunds),
    ),
    ("4000000000009987", Card::Declines(Decline::LostCard)),
];

impl Card {
    /// The card behind a test payment method id: `pm_card_visa` or `pm_card_<number>`.
    pub(crate) fn from_test_id(id: &str) -> Option<Self> {
        let named = TEST_PAYMENT_METHODS.iter().find(|(name, _)| *name == id);
        match named {
            Some((_, card)) => Some(*card),
            None => Self::from_number(id.strip_prefix("pm_card_")?),
        }
    }

    /// The card behind a test card number; spaces are ignored.
    pub(crate) fn from_number(number: &str) -> Option<Self> {
        let digits: String = number.chars().filter(|c| !c.is_whitespace()).collect();
        TEST_NUMBERS
            .iter()
            .find(|(known, _)| *known == digits)
            .map(|(_, card)| *card)
    }

    /// Charges `amount` cents: `Err` names the decline.
    pub(crate) fn charge(self, amount: i64) -> Result<(), Decline> {
        match self {
            Self::Succeeds => Ok(()),
            Self::Declines(decline) => Err(decline),
            Self::Limit(limit) if amount <= limit => Ok(()),
            Self::Limit(_) => Err(Decline::InsufficientFunds),
        }
    }
}

impl Decline {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Self::Generic => "generic_decline",
            Self::InsufficientFunds => "insufficient_funds",
            Self::LostCard => "lost_card",
        }
    }

    pub(crate) fn message(self) -> &'static str {
        match self {
            Self::InsufficientFunds => "Your card has insufficient funds.",
            Self::Generic | Self::LostCard => "Your card was declined.",
        }
    }

    /// The 402 reply, before the payment intent is attached to it.
    pub(crate) fn error(self) -> ApiError {
        ApiError::card_error("card_declined", Some(self.code()), self.message())
    }
}

/// The 402 reply for a card number that is not one of the test numbers.
pub(crate) fn incorrect_number(param: &str) -> ApiError {
    ApiError::card_error("incorrect_number", None, "Your card number is incorrect.")
        .with_param(param)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limited_card_pays_up_to_its_limit() {
        let card = Card::from_test_id(LIMIT_1500).unwrap();
        assert_eq!(card.charge(1500), Ok(()));
        assert_eq!(card.charge(1501), Err(Decline::InsufficientFunds));
    }

    #[test]
    fn card_numbers_work_as_payment_method_ids() {
        let card = Card::from_test_id("pm_card_4000000000009995");
        assert_eq!(card, Some(Card::Declines(Decline::InsufficientFunds)));
    }
}
