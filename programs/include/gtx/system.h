/*
 * gtx/system.h - System program CPIs: create_account, transfer, allocate, assign, and
 * gtx_init_pda_account which creates a program-owned PDA even if someone pre-funded its address.
 */
#ifndef GTX_SYSTEM_H
#define GTX_SYSTEM_H

#include "cpi.h"
#include "mem.h"
#include "sysvar.h"

/* 11111111111111111111111111111111 */
static const GtxPubkey GTX_SYSTEM_PROGRAM_ID = {{0}};

/* System instruction indices (u32 little-endian tag). */
#define GTX_SYSTEM_IX_CREATE_ACCOUNT 0
#define GTX_SYSTEM_IX_ASSIGN 1
#define GTX_SYSTEM_IX_TRANSFER 2
#define GTX_SYSTEM_IX_ALLOCATE 8

/* Create `new_account` with `lamports` and `space` bytes owned by `owner`.
 * Accounts:
 *   0. [writable, signer] payer
 *   1. [writable, signer] new_account (a PDA signs through `signers`)
 */
GTX_INLINE uint64_t gtx_system_create_account(const GtxAccountInfo *payer,
                                              const GtxAccountInfo *new_account,
                                              uint64_t lamports, uint64_t space,
                                              const GtxPubkey *owner, const GtxSigner *signers,
                                              uint64_t n_signers) {
  uint8_t data[52];
  gtx_store_u32(data, GTX_SYSTEM_IX_CREATE_ACCOUNT);
  gtx_store_u64(data + 4, lamports);
  gtx_store_u64(data + 12, space);
  gtx_pubkey_copy((GtxPubkey *)(data + 20), owner);
  GtxAccountMeta metas[2] = {{payer->key, true, true}, {new_account->key, true, true}};
  GtxAccountInfo infos[2] = {*payer, *new_account};
  GtxInstruction ix = {&GTX_SYSTEM_PROGRAM_ID, metas, 2, data, sizeof(data)};
  return gtx_invoke_signed(&ix, infos, 2, signers, n_signers);
}

/* Move `lamports` from a system-owned `from` to `to`.
 * Accounts:
 *   0. [writable, signer] from
 *   1. [writable] to
 */
GTX_INLINE uint64_t gtx_system_transfer(const GtxAccountInfo *from, const GtxAccountInfo *to,
                                        uint64_t lamports, const GtxSigner *signers,
                                        uint64_t n_signers) {
  uint8_t data[12];
  gtx_store_u32(data, GTX_SYSTEM_IX_TRANSFER);
  gtx_store_u64(data + 4, lamports);
  GtxAccountMeta metas[2] = {{from->key, true, true}, {to->key, true, false}};
  GtxAccountInfo infos[2] = {*from, *to};
  GtxInstruction ix = {&GTX_SYSTEM_PROGRAM_ID, metas, 2, data, sizeof(data)};
  return gtx_invoke_signed(&ix, infos, 2, signers, n_signers);
}

/* Accounts: 0. [writable, signer] account */
GTX_INLINE uint64_t gtx_system_allocate(const GtxAccountInfo *account, uint64_t space,
                                        const GtxSigner *signers, uint64_t n_signers) {
  uint8_t data[12];
  gtx_store_u32(data, GTX_SYSTEM_IX_ALLOCATE);
  gtx_store_u64(data + 4, space);
  GtxAccountMeta meta = {account->key, true, true};
  GtxInstruction ix = {&GTX_SYSTEM_PROGRAM_ID, &meta, 1, data, sizeof(data)};
  return gtx_invoke_signed(&ix, account, 1, signers, n_signers);
}

/* Accounts: 0. [writable, signer] account */
GTX_INLINE uint64_t gtx_system_assign(const GtxAccountInfo *account, const GtxPubkey *owner,
                                      const GtxSigner *signers, uint64_t n_signers) {
  uint8_t data[36];
  gtx_store_u32(data, GTX_SYSTEM_IX_ASSIGN);
  gtx_pubkey_copy((GtxPubkey *)(data + 4), owner);
  GtxAccountMeta meta = {account->key, true, true};
  GtxInstruction ix = {&GTX_SYSTEM_PROGRAM_ID, &meta, 1, data, sizeof(data)};
  return gtx_invoke_signed(&ix, account, 1, signers, n_signers);
}

/* Create a rent-exempt, `space`-byte account at the PDA `pda` (signed by `pda_signer`), owned by
 * `owner`, paid by `payer`. Like Anchor's `init`: when the address already holds lamports (anyone
 * can send lamports to an address before it exists) it tops up, allocates and assigns instead of
 * create_account, which would fail. The caller has already checked pda is system-owned and empty.
 * Returns 0 or the failing CPI's error (GTX_ERR_INVALID_ARGUMENT if rent cannot be computed). */
GTX_INLINE uint64_t gtx_init_pda_account(const GtxAccountInfo *payer, const GtxAccountInfo *pda,
                                         uint64_t space, const GtxPubkey *owner,
                                         const GtxSigner *pda_signer) {
  uint64_t need;
  if (!gtx_rent_minimum_balance(space, &need)) return GTX_ERR_INVALID_ARGUMENT;
  uint64_t have = gtx_lamports(pda);
  if (have == 0) return gtx_system_create_account(payer, pda, need, space, owner, pda_signer, 1);
  if (have < need) {
    uint64_t r = gtx_system_transfer(payer, pda, need - have, NULL, 0);
    if (r) return r;
  }
  uint64_t r = gtx_system_allocate(pda, space, pda_signer, 1);
  if (r) return r;
  return gtx_system_assign(pda, owner, pda_signer, 1);
}

#endif
