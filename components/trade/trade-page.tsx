"use client";

import { useCallback, useState } from "react";
import { useAuth } from "~/components/auth/auth-provider";
import { DepthChart } from "./depth-chart";
import { MyOrders } from "./my-orders";
import { OrderBook } from "./order-book";
import { OrderForm } from "./order-form";
import { PriceChart } from "./price-chart";
import { RecentTrades } from "./recent-trades";
import { TradeHistory } from "./trade-history";

/**
 * The Trade page: price chart and depth on the left, the order form and the book on the right;
 * below, the user's orders and trade history. The book, charts and trades are public; the form,
 * orders and history need a signed-in wallet. One column on a phone.
 */
export function TradePageContent() {
  const auth = useAuth();
  const [picked, setPicked] = useState<{ price: bigint; at: number } | null>(null);
  const onPick = useCallback((price: bigint) => setPicked({ price, at: Date.now() }), []);
  return (
    <div className="grid min-w-0 gap-6 lg:grid-cols-3">
      <div className="flex min-w-0 flex-col gap-6 lg:col-span-2">
        <PriceChart />
        <DepthChart />
      </div>
      <div className="flex min-w-0 flex-col gap-6">
        <OrderForm pickedPrice={picked} />
        <OrderBook onPick={onPick} />
      </div>
      {auth.user ? (
        <>
          <div className="min-w-0 lg:col-span-2">
            <MyOrders />
          </div>
          <RecentTrades />
          <div className="min-w-0 lg:col-span-3">
            <TradeHistory />
          </div>
        </>
      ) : (
        <RecentTrades className="lg:col-span-3" />
      )}
    </div>
  );
}
