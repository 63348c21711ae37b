//! The in-memory objects of one server: everything a reset puts back to the seeded set.

use std::collections::HashMap;

use serde_json::Value;

use crate::error::ApiError;
use crate::ids::IdGenerator;
use crate::objects::card::Card;

/// The objects of one resource, kept in creation order.
#[derive(Debug)]
pub(crate) struct Collection {
    /// Stripe's word for the object in "No such customer: 'cus_x'".
    object: &'static str,
    items: Vec<Value>,
    index: HashMap<String, usize>,
}

impl Collection {
    fn new(object: &'static str) -> Self {
        Self {
            object,
            items: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// Stores `value` under its `id`, replacing an older version, and returns it.
    pub(crate) fn put(&mut self, value: Value) -> Value {
        let id = value["id"].as_str().unwrap_or_default().to_owned();
        match self.index.get(&id) {
            Some(&at) => self.items[at] = value.clone(),
            None => {
                self.index.insert(id, self.items.len());
                self.items.push(value.clone());
            }
        }
        value
    }

    /// The object with this id, or the 404 Stripe answers, naming `param`.
    pub(crate) fn get(&self, id: &str, param: &str) -> Result<&Value, ApiError> {
        self.index
            .get(id)
            .map(|&at| &self.items[at])
            .ok_or_else(|| ApiError::resource_missing(self.object, id, param))
    }

    pub(crate) fn contains(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }

    /// All objects, newest first, as Stripe lists them.
    pub(crate) fn newest_first(&self) -> impl Iterator<Item = &Value> {
        self.items.iter().rev()
    }
}

/// Every object the server holds.
#[derive(Debug)]
pub(crate) struct Store {
    ids: IdGenerator,
    pub(crate) customers: Collection,
    pub(crate) products: Collection,
    pub(crate) prices: Collection,
    pub(crate) payment_intents: Collection,
    pub(crate) subscriptions: Collection,
    pub(crate) messages: Collection,
    /// Payment methods made from `payment_method_data`, by id.
    payment_methods: HashMap<String, Card>,
    /// Seeded customers whose card is charged when a payment intent names no payment method.
    default_cards: HashMap<String, String>,
}

impl Store {
    /// A store with no objects at all; see [`crate::seed`] for the usual starting set.
    pub(crate) fn empty() -> Self {
        Self {
            ids: IdGenerator::default(),
            customers: Collection::new("customer"),
            products: Collection::new("product"),
            prices: Collection::new("price"),
            payment_intents: Collection::new("payment_intent"),
            subscriptions: Collection::new("subscription"),
            messages: Collection::new("message"),
            payment_methods: HashMap::new(),
            default_cards: HashMap::new(),
        }
    }

    pub(crate) fn new_id(&mut self, prefix: &str) -> String {
        self.ids.next(prefix)
    }

    /// Registers a payment method made from a card number and returns its id.
    pub(crate) fn add_payment_method(&mut self, card: Card) -> String {
        let id = self.new_id("pm_");
        self.payment_methods.insert(id.clone(), card);
        id
    }

    /// The card behind a payment method id, or the 404 Stripe answers, naming `param`.
    pub(crate) fn card(&self, id: &str, param: &str) -> Result<Card, ApiError> {
        self.payment_methods
            .get(id)
            .copied()
            .or_else(|| Card::from_test_id(id))
            .ok_or_else(|| ApiError::resource_missing("PaymentMethod", id, param))
    }

    pub(crate) fn set_default_card(&mut self, customer: &str, payment_method: &str) {
        self.default_cards
            .insert(customer.to_owned(), payment_method.to_owned());
    }

    /// The payment method charged for this customer when a payment intent names none.
    pub(crate) fn default_card(&self, customer: &str) -> Option<&str> {
        self.default_cards.get(customer).map(String::as_str)
    }
}
