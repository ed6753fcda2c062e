/*
 * Test-only program for idl-gen.test.ts (never deployed): `write` decodes its borsh args with the
 * generated decoder, stores the Book through the generated zero-copy setters (scalars, arrays by
 * index, array elements through the element type's accessors, the trailing Option) and emits
 * Filled with the generated emitter, partly from what the getters read back. The test compares
 * the account and the event with Anchor's BorshCoder.
 */
#include <gen/layouts.h>

/* Out of line: the event's buffer would otherwise share write's 512-byte stack frame. */
static __attribute__((noinline)) void emit_filled(const LayoutsWriteArgs *a, uint8_t *d) {
  /* The order's qty: the arg when given, else read back from the account's orders[2]. */
  uint32_t order_qty =
      a->has_order ? a->order.qty : layouts_type_order_get_qty(layouts_book_orders_at(d, 2));
  layouts_emit_filled(a->has_maybe_price, a->maybe_price, layouts_book_get_side(d),
                      layouts_book_has_expiry(d), layouts_book_get_expiry(d), a->has_maybe_key,
                      a->maybe_key, a->has_tag, a->tag, a->has_maybe_side, a->maybe_side,
                      layouts_book_get_amounts(d, 1), order_qty, layouts_book_get_best_price(d),
                      a->qty);
}

static __attribute__((noinline)) void store_book(const LayoutsBook *b, uint8_t *d) {
  gtx_store_u64(d, LAYOUTS_ACCOUNT_BOOK_DISC);
  layouts_book_set_tiny(d, b->tiny);
  layouts_book_set_medium(d, b->medium);
  layouts_book_set_delta(d, b->delta);
  layouts_book_set_amount(d, b->amount);
  layouts_book_set_balance(d, b->balance);
  layouts_book_set_flag(d, b->flag);
  gtx_pubkey_copy(layouts_book_authority(d), b->authority);
  gtx_memcpy(layouts_book_big(d), b->big, 16);
  for (uint64_t i = 0; i < LAYOUTS_ACCOUNT_BOOK_LABEL_COUNT; i++) layouts_book_set_label(d, i, b->label[i]);
  for (uint64_t i = 0; i < LAYOUTS_ACCOUNT_BOOK_AMOUNTS_COUNT; i++)
    layouts_book_set_amounts(d, i, gtx_load_u64(b->amounts + 8 * i));
  for (uint64_t i = 0; i < LAYOUTS_ACCOUNT_BOOK_KEYS_COUNT; i++)
    gtx_pubkey_copy(layouts_book_keys_at(d, i), (const GtxPubkey *)(b->keys + 32 * i));
  for (uint64_t i = 0; i < LAYOUTS_ACCOUNT_BOOK_ORDERS_COUNT; i++) {
    const uint8_t *src = b->orders + LAYOUTS_TYPE_ORDER_LEN * i;
    uint8_t *e = layouts_book_orders_at(d, i);
    layouts_type_order_set_price(e, gtx_load_u64(src + LAYOUTS_TYPE_ORDER_PRICE_OFF));
    layouts_type_order_set_qty(e, gtx_load_u32(src + LAYOUTS_TYPE_ORDER_QTY_OFF));
    layouts_type_order_set_side(e, src[LAYOUTS_TYPE_ORDER_SIDE_OFF]);
    gtx_pubkey_copy(layouts_type_order_owner(e), (const GtxPubkey *)(src + LAYOUTS_TYPE_ORDER_OWNER_OFF));
  }
  layouts_book_set_best_price(d, b->best.price);
  layouts_book_set_best_qty(d, b->best.qty);
  layouts_book_set_best_side(d, b->best.side);
  gtx_pubkey_copy(layouts_book_best_owner(d), b->best.owner);
  layouts_book_set_side(d, b->side);
  if (b->has_expiry)
    layouts_book_set_expiry(d, b->expiry);
  else
    layouts_book_clear_expiry(d);
}

/// write(book, maybe_price, maybe_key, tag, order, maybe_side, qty)
///   0. [writable] book - a program-owned account of LAYOUTS_ACCOUNT_BOOK_LEN bytes
uint64_t layouts_write(const GtxInput *in) {
  LayoutsWriteArgs a = {0};
  GTX_REQUIRE(layouts_write_decode(in, &a), GTX_E_INSTRUCTION_DID_NOT_DESERIALIZE);
  GTX_REQUIRE(in->account_count >= LAYOUTS_IX_WRITE_ACCOUNTS, GTX_E_ACCOUNT_NOT_ENOUGH_KEYS);
  const GtxAccountInfo *book = &in->accounts[LAYOUTS_IX_WRITE_BOOK];
  GTX_REQUIRE(book->is_writable, GTX_E_ACCOUNT_NOT_MUTABLE);
  GTX_REQUIRE(book->data_len == LAYOUTS_ACCOUNT_BOOK_LEN, GTX_E_CONSTRAINT_SPACE);
  store_book(&a.book, book->data);
  emit_filled(&a, book->data);
  return GTX_SUCCESS;
}
