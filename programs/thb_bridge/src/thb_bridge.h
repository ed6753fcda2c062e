/*
 * THB bridge: THBC (6 decimals) minted only against THB deposits attested by M of N attestors.
 *
 *   Bridge PDA     ["bridge"]                  admin, attestor set, limits, totals; THBC mint authority
 *   THBC mint PDA  ["thbc_mint"]               SPL Token mint, authority the Bridge PDA, no freeze authority
 *   Deposit PDA    ["deposit", deposit_id]     one per THB deposit: its existence makes a deposit mint once
 *   Withdrawal PDA ["withdrawal", id u64 LE]   a burn waiting for its THB payout (Pending/Completed/Refunded)
 *
 * Accounts are read and written in place at the offsets of <gen/thb_bridge.h> (the IDL's borsh
 * layout; no C structs, so no padding). The two fixed PDAs are compared with build-time addresses
 * (THB_BRIDGE_PDA_*); Deposit and Withdrawal PDAs are found by the canonical bump search when
 * created and checked by one sha256 with the stored bump afterwards (gtx/pda_fast.h).
 *
 * Supply invariant: THBC supply = total_deposited - total_withdrawn + total_refunded, because the
 * Bridge PDA is the only mint authority and only deposit / refund_withdrawal mint, while
 * request_withdrawal burns exactly what it records.
 */
#ifndef THB_BRIDGE_H
#define THB_BRIDGE_H

#include <gtx/ed25519.h>
#include <gtx/instructions_sysvar.h>
#include <gtx/pda_fast.h>

#include <gen/thb_bridge.h>

static const uint8_t THB_BRIDGE_SEED_BRIDGE[] = THB_BRIDGE_CONST_BRIDGE_SEED_BYTES;
static const uint8_t THB_BRIDGE_SEED_THBC_MINT[] = THB_BRIDGE_CONST_THBC_MINT_SEED_BYTES;
static const uint8_t THB_BRIDGE_SEED_DEPOSIT[] = THB_BRIDGE_CONST_DEPOSIT_SEED_BYTES;
static const uint8_t THB_BRIDGE_SEED_WITHDRAWAL[] = THB_BRIDGE_CONST_WITHDRAWAL_SEED_BYTES;
static const uint8_t THB_BRIDGE_ATTESTATION_DOMAIN[] = THB_BRIDGE_CONST_ATTESTATION_DOMAIN_BYTES;

/* The attestation message, ATTESTATION_MESSAGE_LEN = 225 bytes; every attestor signs its sha256
 * (32 bytes, so one Ed25519 instruction holds up to MAX_ATTESTORS signatures sharing one digest):
 *   [0, 24)    "GRIDTOKENX:THB_BRIDGE:V1"
 *   [24]       kind: 0 deposit, 1 release (withdrawal paid), 2 rejection (withdrawal refunded),
 *              3 acceptance of a proposed attestor set
 *   [25, 57)   this program's id
 *   [57, 89)   the Bridge PDA
 *   [89, 121)  the bridge's cluster tag
 *   [121, 153) subject: the deposit id, the Withdrawal account's address, or (acceptance)
 *              sha256(pending_attestors[5] || pending_attestor_count || pending_threshold)
 *   [153, 185) account: the deposit's recipient, the withdrawal's holder, or (acceptance) the admin
 *   [185, 193) amount u64 LE (THBC base units)
 *   [193, 225) reference: the THB deposit transaction, the THB payout transaction, or zero */
#define THB_BRIDGE_MSG_KIND_OFF 24
#define THB_BRIDGE_MSG_PROGRAM_OFF 25
#define THB_BRIDGE_MSG_BRIDGE_OFF 57
#define THB_BRIDGE_MSG_CLUSTER_OFF 89
#define THB_BRIDGE_MSG_SUBJECT_OFF 121
#define THB_BRIDGE_MSG_ACCOUNT_OFF 153
#define THB_BRIDGE_MSG_AMOUNT_OFF 185
#define THB_BRIDGE_MSG_REF_OFF 193
#define THB_BRIDGE_KIND_DEPOSIT 0
#define THB_BRIDGE_KIND_RELEASE 1
#define THB_BRIDGE_KIND_REJECT 2
#define THB_BRIDGE_KIND_ACCEPT_ATTESTORS 3
_Static_assert(sizeof(THB_BRIDGE_ATTESTATION_DOMAIN) == THB_BRIDGE_MSG_KIND_OFF, "domain prefix length");
_Static_assert(THB_BRIDGE_MSG_REF_OFF + 32 == THB_BRIDGE_CONST_ATTESTATION_MESSAGE_LEN, "message length");
_Static_assert(THB_BRIDGE_ACCOUNT_BRIDGE_ATTESTORS_COUNT == THB_BRIDGE_CONST_MAX_ATTESTORS, "attestor array length");

/* An account's current data length as the runtime keeps it (the u64 just before the data): a
 * System CPI that allocates updates the buffer, not GtxAccountInfo.data_len. */
GTX_INLINE uint64_t thb_bridge_serialized_len(const GtxAccountInfo *a) { return gtx_load_u64(a->data - 8); }

/* Seeds of a Deposit PDA: "deposit", the 32-byte id, and (when given) the bump. Returns the count. */
GTX_INLINE uint64_t thb_bridge_deposit_seeds(GtxSlice seeds[3], const uint8_t *deposit_id, const uint8_t *bump) {
  seeds[0] = GTX_SEED(THB_BRIDGE_SEED_DEPOSIT, sizeof(THB_BRIDGE_SEED_DEPOSIT));
  seeds[1] = GTX_SEED(deposit_id, 32);
  if (!bump) return 2;
  seeds[2] = GTX_SEED(bump, 1);
  return 3;
}

/* Seeds of a Withdrawal PDA: "withdrawal", the id as 8 LE bytes (id_le), and (when given) the bump. */
GTX_INLINE uint64_t thb_bridge_withdrawal_seeds(GtxSlice seeds[3], const uint8_t *id_le, const uint8_t *bump) {
  seeds[0] = GTX_SEED(THB_BRIDGE_SEED_WITHDRAWAL, sizeof(THB_BRIDGE_SEED_WITHDRAWAL));
  seeds[1] = GTX_SEED(id_le, 8);
  if (!bump) return 2;
  seeds[2] = GTX_SEED(bump, 1);
  return 3;
}

GTX_INLINE void thb_bridge_clear32(uint8_t *p) {
  for (uint64_t i = 0; i < 32; i += 8) gtx_store_u64(p + i, 0);
}

/* bridge.c */
uint64_t thb_bridge_check_bridge(const GtxInput *in, const GtxAccountInfo *bridge);
uint64_t thb_bridge_admin_accounts(const GtxInput *in, const GtxAccountInfo **admin, const GtxAccountInfo **bridge);
uint64_t thb_bridge_check_withdrawal(const GtxInput *in, const GtxAccountInfo *withdrawal);
uint64_t thb_bridge_check_thbc_account(const GtxAccountInfo *token, const GtxPubkey *owner, bool recipient);
uint64_t thb_bridge_validate_attestors(const uint8_t *attestors, uint8_t count, uint8_t threshold, const GtxPubkey *admin);
void thb_bridge_write_attestors(uint8_t *d, const uint8_t *attestors, uint8_t count, uint8_t threshold);
void thb_bridge_write_pending_attestors(uint8_t *d, const uint8_t *attestors, uint8_t count, uint8_t threshold);
bool thb_bridge_is_attestor(uint8_t *d, const GtxPubkey *key);
bool thb_bridge_is_pending_attestor(uint8_t *d, const GtxPubkey *key);
bool thb_bridge_limits_valid(const ThbBridgeBridgeLimits *l);
uint64_t thb_bridge_create_pda(const GtxAccountInfo *payer, const GtxAccountInfo *pda, uint64_t space,
                               const GtxSigner *signer);
uint64_t thb_bridge_mint(const GtxAccountInfo *bridge, const GtxAccountInfo *mint, const GtxAccountInfo *token,
                         uint64_t amount);
/* What an attestation is about (the instruction's own values; the program id, bridge and
 * cluster tag are added from the program and the Bridge account). ref NULL = all zero. */
typedef struct {
  const uint8_t *subject;   /* 32 bytes: deposit id or Withdrawal address */
  const GtxPubkey *account; /* recipient or holder */
  const uint8_t *ref;       /* 32 bytes or NULL */
  uint64_t amount;
  uint64_t kind;            /* THB_BRIDGE_KIND_* */
  /* false: at least `threshold` of the attestor set must sign; true (acceptance of a rotation):
   * every key of the pending set must sign. */
  bool pending_set;
} ThbBridgeClaim;

/* attest.c */
bool thb_bridge_attestation_present(const GtxAccountInfo *ixs);
uint64_t thb_bridge_verify_attestation(const GtxInput *in, const GtxAccountInfo *ixs, uint8_t *bridge_data,
                                       const ThbBridgeClaim *claim);
void thb_bridge_encode_message(uint8_t out[THB_BRIDGE_CONST_ATTESTATION_MESSAGE_LEN], const GtxPubkey *program_id,
                               uint8_t *bridge_data, const ThbBridgeClaim *claim);

/* Handlers, one file each (ix_<name>.c). */
uint64_t thb_bridge_initialize(const GtxInput *in);
uint64_t thb_bridge_deposit(const GtxInput *in);
uint64_t thb_bridge_request_withdrawal(const GtxInput *in);
uint64_t thb_bridge_complete_withdrawal(const GtxInput *in);
uint64_t thb_bridge_refund_withdrawal(const GtxInput *in);
uint64_t thb_bridge_pause(const GtxInput *in);
uint64_t thb_bridge_unpause(const GtxInput *in);
uint64_t thb_bridge_set_limits(const GtxInput *in);
uint64_t thb_bridge_propose_attestors(const GtxInput *in);
uint64_t thb_bridge_accept_attestors(const GtxInput *in);
uint64_t thb_bridge_transfer_admin(const GtxInput *in);
uint64_t thb_bridge_accept_admin(const GtxInput *in);

#endif
