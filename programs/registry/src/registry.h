/*
 * Registry: users, smart meters and their readings, and settlement of net generation into GRID.
 *
 *   Registry PDA ["registry"]      authority (admin) and counters; also signs GRID mints
 *   User PDA     ["user", wallet]  prosumer/consumer, Active/Suspended, name
 *   Meter PDA    ["meter", id]     owner, the meter's Ed25519 key, capacity, registers and totals in Wh
 *   MeterKey PDA ["meter_key", key] which meter a device key belongs to (one key, one meter)
 *
 * Accounts are read and written in place in the runtime's input buffer at the offsets of
 * <gen/registry.h> (the borsh layout of the IDL; no C structs, so no padding can drift).
 * PDA checks: fixed-seed PDAs against build-time addresses (REGISTRY_PDA_*, generated from the
 * IDL's constant seeds); per-user/per-meter PDAs by one sha256 of their seeds with the stored bump
 * (gtx/pda_fast.h); new PDAs and the owner's associated token account by the canonical bump
 * search of gtx/pda_fast.h.
 */
#ifndef REGISTRY_H
#define REGISTRY_H

#include <gtx/ed25519.h>
#include <gtx/ed25519_key.h>
#include <gtx/instructions_sysvar.h>
#include <gtx/pda_fast.h>

#include <gen/registry.h>
/* Energy Token: the CPI target of settle_balance, its GRID mint and mint authority PDAs. */
#include <gen/energy_token.h>
/* Governance: its PDA ["governance"] is the only signer claim_erc_generation accepts. */
#include <gen/governance.h>

static const uint8_t REGISTRY_SEED_REGISTRY[] = REGISTRY_CONST_REGISTRY_SEED_BYTES;
static const uint8_t REGISTRY_SEED_USER[] = REGISTRY_CONST_USER_SEED_BYTES;
static const uint8_t REGISTRY_SEED_METER[] = REGISTRY_CONST_METER_SEED_BYTES;
static const uint8_t REGISTRY_SEED_METER_KEY[] = REGISTRY_CONST_METER_KEY_SEED_BYTES;
static const uint8_t REGISTRY_READING_DOMAIN[] = REGISTRY_CONST_READING_DOMAIN_BYTES;

/* The canonical reading message (what the meter signs), READING_MESSAGE_LEN = 78 bytes:
 *   [0, 21)   "GRIDTOKENX:READING:V2"
 *   [21]      meter id length (1..32)
 *   [22, 54)  meter id, zero-padded to 32 bytes
 *   [54, 62)  production register  u64 LE (cumulative Wh)
 *   [62, 70)  consumption register u64 LE (cumulative Wh)
 *   [70, 78)  timestamp            i64 LE (unix seconds) */
#define REGISTRY_MSG_ID_LEN_OFF 21
#define REGISTRY_MSG_ID_OFF 22
#define REGISTRY_MSG_PRODUCTION_OFF 54
#define REGISTRY_MSG_CONSUMPTION_OFF 62
#define REGISTRY_MSG_TIMESTAMP_OFF 70
_Static_assert(sizeof(REGISTRY_READING_DOMAIN) == REGISTRY_MSG_ID_LEN_OFF, "domain prefix length");
_Static_assert(REGISTRY_MSG_TIMESTAMP_OFF + 8 == REGISTRY_CONST_READING_MESSAGE_LEN, "message length");

#define REGISTRY_SECONDS_PER_HOUR 3600ULL

/* Seeds of a user PDA: "user", wallet, and (when given) the bump byte. Returns the count. */
GTX_INLINE uint64_t registry_user_seeds(GtxSlice seeds[3], const GtxPubkey *wallet, const uint8_t *bump) {
  seeds[0] = GTX_SEED(REGISTRY_SEED_USER, sizeof(REGISTRY_SEED_USER));
  seeds[1] = GTX_SEED_KEY(wallet);
  if (!bump) return 2;
  seeds[2] = GTX_SEED(bump, 1);
  return 3;
}

/* Seeds of a meter key index PDA: "meter_key", the device's Ed25519 key, and (when given) the bump. */
GTX_INLINE uint64_t registry_meter_key_seeds(GtxSlice seeds[3], const GtxPubkey *key, const uint8_t *bump) {
  seeds[0] = GTX_SEED(REGISTRY_SEED_METER_KEY, sizeof(REGISTRY_SEED_METER_KEY));
  seeds[1] = GTX_SEED_KEY(key);
  if (!bump) return 2;
  seeds[2] = GTX_SEED(bump, 1);
  return 3;
}

/* Seeds of a meter PDA: "meter", the meter id bytes (1..32), and (when given) the bump. */
GTX_INLINE uint64_t registry_meter_seeds(GtxSlice seeds[3], const uint8_t *id, uint64_t id_len, const uint8_t *bump) {
  seeds[0] = GTX_SEED(REGISTRY_SEED_METER, sizeof(REGISTRY_SEED_METER));
  seeds[1] = GTX_SEED(id, id_len);
  if (!bump) return 2;
  seeds[2] = GTX_SEED(bump, 1);
  return 3;
}

/* accounts.c: steps 4-7 (owner, exact size, discriminator, PDA) for existing accounts. */
uint64_t registry_check_registry(const GtxInput *in, const GtxAccountInfo *registry);
uint64_t registry_check_user(const GtxInput *in, const GtxAccountInfo *user);
uint64_t registry_check_meter(const GtxInput *in, const GtxAccountInfo *meter);
/* Steps 2-8 of the admin instructions: authority signs, registry checked, authority matches. */
uint64_t registry_check_admin(const GtxInput *in, const GtxAccountInfo *authority, const GtxAccountInfo *registry);
/* A new PDA about to be created: system-owned and empty, or the named "already registered" error
 * when this program already owns it. */
uint64_t registry_check_new_account(const GtxInput *in, const GtxAccountInfo *account, uint64_t already_code);

/* Create a program-owned PDA of `space` bytes paid by `payer` (out of line: the System CPIs'
 * stack buffers would otherwise share the handler's 512-byte frame). */
uint64_t registry_create_pda(const GtxInput *in, const GtxAccountInfo *payer, const GtxAccountInfo *account,
                             uint64_t space, const GtxSigner *signer);

/* reading.c: the Ed25519 attestation of a reading (see submit_reading). */
uint64_t registry_verify_reading_signature(const GtxAccountInfo *ixs, uint8_t *meter_data,
                                           const uint8_t *message);
void registry_encode_reading(uint8_t out[REGISTRY_CONST_READING_MESSAGE_LEN], uint8_t *meter_data,
                             uint64_t production_register, uint64_t consumption_register, int64_t timestamp);

/* Handlers, one file each (ix_<name>.c). */
uint64_t registry_initialize(const GtxInput *in);
uint64_t registry_register_user(const GtxInput *in);
uint64_t registry_register_meter(const GtxInput *in);
uint64_t registry_set_user_status(const GtxInput *in);
uint64_t registry_set_meter_status(const GtxInput *in);
uint64_t registry_submit_reading(const GtxInput *in);
uint64_t registry_settle_balance(const GtxInput *in);

#endif
