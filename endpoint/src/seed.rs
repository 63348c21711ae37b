//! The objects every server starts with, so the example flows run as written.

use serde_json::{json, Map, Value};

use crate::objects::card::LIMIT_1500;
use crate::objects::customer::{self, NewCustomer};
use crate::objects::{price, product};
use crate::store::Store;

/// The product behind the seeded prices.
pub(crate) const PRODUCT: &str = "prod_monthly_plan";

/// A store holding the seeded customers, product and prices.
pub(crate) fn seeded() -> Store {
    let mut store = Store::empty();
    seed_catalogue(&mut store);
    seed_ordinary_customers(&mut store);
    seed_demo_customers(&mut store);
    store
}

fn seed_catalogue(store: &mut Store) {
    let metadata = Map::new();
    store
        .products
        .put(product::object(PRODUCT, "Monthly plan", metadata));
    for (id, amount) in [("price_monthly_plan", 2000), ("price_monthly", 1000)] {
        let fields = price::NewPrice {
            product: PRODUCT.to_owned(),
            unit_amount: amount,
            currency: "usd".to_owned(),
            interval: Some("month".to_owned()),
            nickname: Some(id.trim_start_matches("price_").replace('_', " ")),
            metadata: Map::new(),
        };
        store.prices.put(price::object(id, fields));
    }
}

fn seed_ordinary_customers(store: &mut Store) {
    let enterprise = metadata(&[("customer_type", "enterprise")]);
    let seeds = [
        ("cus_customer123", "Demo Customer", Map::new()),
        ("cus_123", "Test Customer", Map::new()),
        ("cus_enterprise", "Enterprise Customer", enterprise),
    ];
    for (id, name, metadata) in seeds {
        add_customer(store, id, name, metadata, None);
    }
}

/// Customers whose card answers in a fixed way, for the decline and recovery demos.
fn seed_demo_customers(store: &mut Store) {
    let seeds = [
        (
            "cus_insufficient_funds",
            "insufficient_funds_over_1500",
            LIMIT_1500,
        ),
        (
            "cus_card_declined",
            "generic_decline",
            "pm_card_chargeDeclined",
        ),
        (
            "cus_lost_card",
            "lost_card",
            "pm_card_chargeDeclinedLostCard",
        ),
    ];
    for (id, scenario, card) in seeds {
        let name = format!("Demo {}", scenario.replace('_', " "));
        let metadata = metadata(&[("scenario", scenario)]);
        add_customer(store, id, &name, metadata, Some(card));
        store.set_default_card(id, card);
    }
}

fn add_customer(
    store: &mut Store,
    id: &str,
    name: &str,
    metadata: Map<String, Value>,
    card: Option<&str>,
) {
    let fields = NewCustomer {
        email: Some(format!("{}@example.com", id.trim_start_matches("cus_"))),
        name: Some(name.to_owned()),
        metadata,
        default_payment_method: card.map(str::to_owned),
        ..NewCustomer::default()
    };
    store.customers.put(customer::object(id, fields));
}

fn metadata(pairs: &[(&str, &str)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), json!(value)))
        .collect()
}
