/**
 * `npm run thb -- <command>` — a small CLI for the THB-chain simulator (THB_CHAIN_URL, default
 * http://127.0.0.1:7070). Amounts are in THB with up to 6 decimals.
 *
 *   fund <address> <thb>                       credit an account from the local faucet
 *   send <to> <thb> [--memo <text>] [--key f]  sign and send from a key file (default .data/thb-keypair.json, made if missing)
 *   balance [address]                          an account (default: the key file's)
 *   address [--key f]                          the key file's address
 *   tip                                        the chain tip
 *   transfer <id>                              one transfer and its confirmations
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ThbChainClient, ThbChainRequestError } from "../server/thb-chain/client";
import { formatThb, parseThb } from "../server/thb-chain/encoding";
import { generateKeypair, keypairFromSecretKey, type ThbKeypair } from "../server/thb-chain/keys";

function loadKey(file: string): ThbKeypair {
  if (!fs.existsSync(file)) {
    const kp = generateKeypair();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify([...kp.secretKey]), { mode: 0o600 });
    console.error(`thb: made a new key ${file} (${kp.address})`);
    return kp;
  }
  return keypairFromSecretKey(Uint8Array.from(JSON.parse(fs.readFileSync(file, "utf8")) as number[]));
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { memo: { type: "string", default: "" }, key: { type: "string", default: ".data/thb-keypair.json" } },
  });
  const [cmd, ...rest] = positionals;
  const client = new ThbChainClient();
  const show = (label: string, units: string) => `${label} ${formatThb(BigInt(units))} THB`;
  switch (cmd) {
    case "fund": {
      const [address, thb] = rest;
      if (!address || !thb) throw new Error("usage: thb fund <address> <thb>");
      const t = await client.fund(address, parseThb(thb));
      console.log(`funded ${address} with ${formatThb(BigInt(t.amount))} THB: ${t.id} (${t.status})`);
      break;
    }
    case "send": {
      const [to, thb] = rest;
      if (!to || !thb) throw new Error("usage: thb send <to> <thb> [--memo <text>] [--key <file>]");
      const t = await client.send(loadKey(values.key), { to, amount: parseThb(thb), memo: values.memo });
      console.log(`sent ${formatThb(BigInt(t.amount))} THB to ${to}: ${t.id} (${t.status})`);
      break;
    }
    case "balance": {
      const a = await client.account(rest[0] ?? loadKey(values.key).address);
      console.log(`${a.address}: ${show("balance", a.balance)}, ${show("confirmed", a.confirmedBalance)}, ${show("pending", a.pendingBalance)}, next nonce ${a.nonce}`);
      break;
    }
    case "address":
      console.log(loadKey(values.key).address);
      break;
    case "tip":
      console.log(JSON.stringify(await client.tip(), null, 2));
      break;
    case "transfer": {
      if (!rest[0]) throw new Error("usage: thb transfer <id>");
      console.log(JSON.stringify(await client.transfer(rest[0]), null, 2));
      break;
    }
    default:
      throw new Error("usage: npm run thb -- fund|send|balance|address|tip|transfer …");
  }
}

main().catch((e: unknown) => {
  console.error(`thb: ${e instanceof ThbChainRequestError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
