// The trade book (core/src/trading/trade_book.cpp): fills → open trades → closed trades, and the
// one P&L function. NQ: 20 USD a point.

#include <catch2/catch.hpp>

#include "trading/trade_book.hpp"

namespace sdk = slob::sdk;
using slob::core::TradeBook;
using slob::core::trade_pnl;

namespace {

const sdk::Time kT0 = *sdk::parse_rfc3339("2026-01-06T14:35:00Z");

sdk::Execution fill(const std::string& id, sdk::Side side, std::int64_t qty, double price,
                    double commission = 0, int minute = 0) {
  sdk::Execution e;
  e.exec_id = id;
  e.symbol = "NQ";
  e.side = side;
  e.quantity = qty;
  e.price = price;
  e.commission = commission;
  e.time = kT0 + std::chrono::minutes(minute);
  return e;
}

}  // namespace

TEST_CASE("trade book: partial entry fills make one trade at the volume-weighted price", "[trades]") {
  TradeBook book(20);
  book.add_entry_fill("S1", fill("e1", sdk::Side::kSell, 1, 25572.00, 2.25));
  const sdk::TradeRecord& t = book.add_entry_fill("S1", fill("e2", sdk::Side::kSell, 2, 25575.00, 4.50, 1));
  CHECK(t.id == "S1");
  CHECK(t.direction == sdk::Direction::kShort);
  CHECK(t.quantity == 3);
  CHECK(t.entry_price == Approx(25574.00));
  CHECK(t.entry_time == kT0);  // the first fill's
  CHECK(t.commission == Approx(6.75));
  CHECK(t.open());
  CHECK(book.position("NQ") == -3);
  CHECK(book.position("ES") == 0);
}

TEST_CASE("trade book: an exit fill closes the trade whole, P&L after every commission", "[trades]") {
  TradeBook book(20);
  book.add_entry_fill("S1", fill("e1", sdk::Side::kSell, 2, 25572.00, 4.50));
  // The worked example's target: 25530.00, 42 points for a short.
  auto closed = book.close_by_fill("S1", sdk::Leg::kTakeProfit, fill("x1", sdk::Side::kBuy, 2, 25530.00, 4.50, 9));
  REQUIRE(closed);
  CHECK(closed->exit_reason == "take_profit");
  CHECK(closed->exit_price == 25530.00);
  CHECK(closed->exit_time == kT0 + std::chrono::minutes(9));
  CHECK(closed->commission == Approx(9.00));
  CHECK(closed->pnl == Approx(42 * 2 * 20 - 9.00));
  CHECK_FALSE(book.is_open("S1"));
  CHECK(book.position("NQ") == 0);

  book.add_entry_fill("L1", fill("e2", sdk::Side::kBuy, 1, 100.00));
  auto stopped = book.close_by_fill("L1", sdk::Leg::kStopLoss, fill("x2", sdk::Side::kSell, 1, 90.25));
  REQUIRE(stopped);
  CHECK(stopped->exit_reason == "stop_loss");
  CHECK(stopped->pnl == Approx(-9.75 * 20));
}

TEST_CASE("trade book: an exit fill with no open trade closes nothing", "[trades]") {
  TradeBook book(20);
  CHECK_FALSE(book.close_by_fill("S9", sdk::Leg::kStopLoss, fill("x", sdk::Side::kBuy, 1, 1)));
  book.add_entry_fill("S1", fill("e1", sdk::Side::kSell, 1, 100));
  REQUIRE(book.close_by_fill("S1", std::nullopt, fill("x1", sdk::Side::kBuy, 1, 99)));
  // A second exit (the other leg of an OCA pair filling late) finds the trade closed.
  CHECK_FALSE(book.close_by_fill("S1", sdk::Leg::kStopLoss, fill("x2", sdk::Side::kBuy, 1, 101)));
}

TEST_CASE("trade book: closed externally, with or without a price", "[trades]") {
  TradeBook book(20);
  book.add_entry_fill("S1", fill("e1", sdk::Side::kSell, 1, 100, 2.25));
  book.add_entry_fill("S2", fill("e2", sdk::Side::kSell, 1, 100, 2.25));
  auto priced = book.close_external("S1", 98.0, kT0 + std::chrono::hours(1), "closed_externally");
  REQUIRE(priced);
  CHECK(priced->pnl == Approx(2 * 20 - 2.25));
  auto unpriced = book.close_external("S2", std::nullopt, kT0, "closed_externally");
  REQUIRE(unpriced);
  CHECK_FALSE(unpriced->exit_price);
  CHECK(unpriced->pnl == Approx(-2.25));
  CHECK_FALSE(book.close_external("S2", 1.0, kT0, "closed_externally"));
  CHECK(book.open_count() == 0);
}

TEST_CASE("trade P&L: sign by direction, multiplier, commissions", "[trades]") {
  sdk::TradeRecord t;
  t.direction = sdk::Direction::kLong;
  t.quantity = 3;
  t.entry_price = 100;
  t.commission = 1.5;
  CHECK(trade_pnl(t, 101.25, 20) == Approx(1.25 * 3 * 20 - 1.5));
  t.direction = sdk::Direction::kShort;
  CHECK(trade_pnl(t, 101.25, 20) == Approx(-1.25 * 3 * 20 - 1.5));
  CHECK(trade_pnl(t, std::nullopt, 20) == Approx(-1.5));
}
