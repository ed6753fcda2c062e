/*
 * gtx/token.h - SPL Token CPIs and account layouts (classic Token program; Token-2022 accepts the
 * same instructions for accounts without extensions - pass its id as `token_program`).
 *
 * Every CPI takes the token program's key explicitly so the caller has checked which program it
 * calls. `signers` lets a PDA authority sign (e.g. a mint authority or an escrow owner PDA).
 */
#ifndef GTX_TOKEN_H
#define GTX_TOKEN_H

#include "cpi.h"
#include "ids.h"
#include "mem.h"

/* Token instruction tags (first data byte). */
#define GTX_TOKEN_IX_TRANSFER 3
#define GTX_TOKEN_IX_MINT_TO 7
#define GTX_TOKEN_IX_BURN 8
#define GTX_TOKEN_IX_CLOSE_ACCOUNT 9
#define GTX_TOKEN_IX_TRANSFER_CHECKED 12
#define GTX_TOKEN_IX_INITIALIZE_ACCOUNT3 18
#define GTX_TOKEN_IX_INITIALIZE_MINT2 20

/* Token account layout (165 bytes). */
#define GTX_TOKEN_ACCOUNT_LEN 165
#define GTX_TOKEN_ACCOUNT_MINT_OFF 0
#define GTX_TOKEN_ACCOUNT_OWNER_OFF 32
#define GTX_TOKEN_ACCOUNT_AMOUNT_OFF 64
#define GTX_TOKEN_ACCOUNT_STATE_OFF 108 /* 0 uninitialized, 1 initialized, 2 frozen */
/* Mint layout (82 bytes). */
#define GTX_MINT_LEN 82
#define GTX_MINT_AUTHORITY_OPTION_OFF 0 /* u32 COption tag, then the key at 4 */
#define GTX_MINT_AUTHORITY_OFF 4
#define GTX_MINT_SUPPLY_OFF 36
#define GTX_MINT_DECIMALS_OFF 44
#define GTX_MINT_INITIALIZED_OFF 45

GTX_INLINE bool gtx_is_token_program(const GtxPubkey *key) {
  return gtx_pubkey_eq(key, &GTX_TOKEN_PROGRAM_ID) || gtx_pubkey_eq(key, &GTX_TOKEN_2022_PROGRAM_ID);
}

/* Readers for token account / mint data (caller checked owner and length first). */
GTX_INLINE const GtxPubkey *gtx_token_account_mint(const uint8_t *d) {
  return (const GtxPubkey *)(d + GTX_TOKEN_ACCOUNT_MINT_OFF);
}
GTX_INLINE const GtxPubkey *gtx_token_account_owner(const uint8_t *d) {
  return (const GtxPubkey *)(d + GTX_TOKEN_ACCOUNT_OWNER_OFF);
}
GTX_INLINE uint64_t gtx_token_account_amount(const uint8_t *d) {
  return gtx_load_u64(d + GTX_TOKEN_ACCOUNT_AMOUNT_OFF);
}
GTX_INLINE uint8_t gtx_token_account_state(const uint8_t *d) {
  return d[GTX_TOKEN_ACCOUNT_STATE_OFF];
}
GTX_INLINE uint64_t gtx_mint_supply(const uint8_t *d) { return gtx_load_u64(d + GTX_MINT_SUPPLY_OFF); }
GTX_INLINE uint8_t gtx_mint_decimals(const uint8_t *d) { return d[GTX_MINT_DECIMALS_OFF]; }

/* Shared body for the three-account "tag + u64 amount" instructions. */
GTX_INLINE uint64_t gtx_token_amount_ix(const GtxPubkey *token_program, uint8_t tag,
                                        const GtxAccountInfo *a, bool a_w,
                                        const GtxAccountInfo *b, bool b_w,
                                        const GtxAccountInfo *authority, uint64_t amount,
                                        const GtxSigner *signers, uint64_t n_signers) {
  uint8_t data[9];
  data[0] = tag;
  gtx_store_u64(data + 1, amount);
  GtxAccountMeta metas[3] = {{a->key, a_w, false}, {b->key, b_w, false}, {authority->key, false, true}};
  GtxAccountInfo infos[3] = {*a, *b, *authority};
  GtxInstruction ix = {token_program, metas, 3, data, sizeof(data)};
  return gtx_invoke_signed(&ix, infos, 3, signers, n_signers);
}

/* Mint `amount` to `destination`.
 * Accounts:
 *   0. [writable] mint
 *   1. [writable] destination token account
 *   2. [signer] mint authority (a PDA signs through `signers`)
 */
GTX_INLINE uint64_t gtx_token_mint_to(const GtxPubkey *token_program, const GtxAccountInfo *mint,
                                      const GtxAccountInfo *destination,
                                      const GtxAccountInfo *authority, uint64_t amount,
                                      const GtxSigner *signers, uint64_t n_signers) {
  return gtx_token_amount_ix(token_program, GTX_TOKEN_IX_MINT_TO, mint, true, destination, true,
                             authority, amount, signers, n_signers);
}

/* Transfer `amount` (classic Token only; Token-2022 mints may require transfer_checked).
 * Accounts:
 *   0. [writable] source token account
 *   1. [writable] destination token account
 *   2. [signer] source owner or delegate
 */
GTX_INLINE uint64_t gtx_token_transfer(const GtxPubkey *token_program, const GtxAccountInfo *source,
                                       const GtxAccountInfo *destination,
                                       const GtxAccountInfo *authority, uint64_t amount,
                                       const GtxSigner *signers, uint64_t n_signers) {
  return gtx_token_amount_ix(token_program, GTX_TOKEN_IX_TRANSFER, source, true, destination, true,
                             authority, amount, signers, n_signers);
}

/* gtx_token_transfer with the caller's account infos (usually the instruction's own array, which
 * holds all three accounts) instead of three copies made for each call: the runtime looks the
 * instruction's accounts up in whatever array it is given, and copying 3 x 56 bytes costs ~50 CU a
 * transfer. */
GTX_INLINE uint64_t gtx_token_transfer_from_infos(const GtxPubkey *token_program, const GtxAccountInfo *source,
                                                  const GtxAccountInfo *destination,
                                                  const GtxAccountInfo *authority, uint64_t amount,
                                                  const GtxAccountInfo *infos, uint64_t n_infos,
                                                  const GtxSigner *signers, uint64_t n_signers) {
  uint8_t data[9];
  data[0] = GTX_TOKEN_IX_TRANSFER;
  gtx_store_u64(data + 1, amount);
  GtxAccountMeta metas[3] = {{source->key, true, false}, {destination->key, true, false}, {authority->key, false, true}};
  GtxInstruction ix = {token_program, metas, 3, data, sizeof(data)};
  return gtx_invoke_signed(&ix, infos, n_infos, signers, n_signers);
}

/* Burn `amount` from `account`.
 * Accounts:
 *   0. [writable] token account
 *   1. [writable] mint
 *   2. [signer] account owner or delegate
 */
GTX_INLINE uint64_t gtx_token_burn(const GtxPubkey *token_program, const GtxAccountInfo *account,
                                   const GtxAccountInfo *mint, const GtxAccountInfo *authority,
                                   uint64_t amount, const GtxSigner *signers, uint64_t n_signers) {
  return gtx_token_amount_ix(token_program, GTX_TOKEN_IX_BURN, account, true, mint, true, authority,
                             amount, signers, n_signers);
}

/* Transfer with the mint and decimals checked by the token program.
 * Accounts:
 *   0. [writable] source token account
 *   1. [] mint
 *   2. [writable] destination token account
 *   3. [signer] source owner or delegate
 */
GTX_INLINE uint64_t gtx_token_transfer_checked(const GtxPubkey *token_program,
                                               const GtxAccountInfo *source,
                                               const GtxAccountInfo *mint,
                                               const GtxAccountInfo *destination,
                                               const GtxAccountInfo *authority, uint64_t amount,
                                               uint8_t decimals, const GtxSigner *signers,
                                               uint64_t n_signers) {
  uint8_t data[10];
  data[0] = GTX_TOKEN_IX_TRANSFER_CHECKED;
  gtx_store_u64(data + 1, amount);
  data[9] = decimals;
  GtxAccountMeta metas[4] = {{source->key, true, false},
                             {mint->key, false, false},
                             {destination->key, true, false},
                             {authority->key, false, true}};
  GtxAccountInfo infos[4] = {*source, *mint, *destination, *authority};
  GtxInstruction ix = {token_program, metas, 4, data, sizeof(data)};
  return gtx_invoke_signed(&ix, infos, 4, signers, n_signers);
}

/* Initialise a token account (already allocated with 165 bytes, owned by the token program).
 * Accounts:
 *   0. [writable] token account
 *   1. [] mint
 */
GTX_INLINE uint64_t gtx_token_initialize_account3(const GtxPubkey *token_program,
                                                  const GtxAccountInfo *account,
                                                  const GtxAccountInfo *mint,
                                                  const GtxPubkey *owner) {
  uint8_t data[33];
  data[0] = GTX_TOKEN_IX_INITIALIZE_ACCOUNT3;
  gtx_pubkey_copy((GtxPubkey *)(data + 1), owner);
  GtxAccountMeta metas[2] = {{account->key, true, false}, {mint->key, false, false}};
  GtxAccountInfo infos[2] = {*account, *mint};
  GtxInstruction ix = {token_program, metas, 2, data, sizeof(data)};
  return gtx_invoke(&ix, infos, 2);
}

/* Initialise a mint (already allocated with 82 bytes, owned by the token program), no freeze
 * authority.
 * Accounts:
 *   0. [writable] mint
 */
GTX_INLINE uint64_t gtx_token_initialize_mint2(const GtxPubkey *token_program,
                                               const GtxAccountInfo *mint, uint8_t decimals,
                                               const GtxPubkey *mint_authority) {
  uint8_t data[35];
  data[0] = GTX_TOKEN_IX_INITIALIZE_MINT2;
  data[1] = decimals;
  gtx_pubkey_copy((GtxPubkey *)(data + 2), mint_authority);
  data[34] = 0; /* COption::None freeze authority */
  GtxAccountMeta meta = {mint->key, true, false};
  GtxInstruction ix = {token_program, &meta, 1, data, sizeof(data)};
  return gtx_invoke(&ix, mint, 1);
}

/* Close a token account with zero balance, sending its lamports to `destination`.
 * Accounts:
 *   0. [writable] token account
 *   1. [writable] destination
 *   2. [signer] account owner
 */
GTX_INLINE uint64_t gtx_token_close_account(const GtxPubkey *token_program,
                                            const GtxAccountInfo *account,
                                            const GtxAccountInfo *destination,
                                            const GtxAccountInfo *authority,
                                            const GtxSigner *signers, uint64_t n_signers) {
  uint8_t data[1] = {GTX_TOKEN_IX_CLOSE_ACCOUNT};
  GtxAccountMeta metas[3] = {{account->key, true, false}, {destination->key, true, false}, {authority->key, false, true}};
  GtxAccountInfo infos[3] = {*account, *destination, *authority};
  GtxInstruction ix = {token_program, metas, 3, data, sizeof(data)};
  return gtx_invoke_signed(&ix, infos, 3, signers, n_signers);
}

#endif
