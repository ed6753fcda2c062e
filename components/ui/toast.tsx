"use client";

import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from "react";
import { AlertIcon, CheckIcon, CloseIcon, InfoIcon } from "./icons";

export type ToastTone = "info" | "success" | "error";

interface Toast {
  id: number;
  tone: ToastTone;
  title: string;
  description?: string;
}

interface ToastApi {
  notify: (toast: Omit<Toast, "id">) => void;
}

const ToastContext = createContext<ToastApi | null>(null);

const VISIBLE_MS = 7000;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => {
    setToasts((list) => list.filter((t) => t.id !== id));
  }, []);

  const notify = useCallback((toast: Omit<Toast, "id">) => {
    const id = nextId.current++;
    setToasts((list) => {
      // The same message twice in a row (e.g. two failing queries) shows once.
      const withoutDuplicate = list.filter(
        (t) => t.title !== toast.title || t.description !== toast.description,
      );
      return [...withoutDuplicate, { ...toast, id }].slice(-4);
    });
  }, []);

  const api = useMemo(() => ({ notify }), [notify]);

  return (
    <ToastContext.Provider value={api}>
      {children}
      <div
        aria-live="polite"
        className="pointer-events-none fixed inset-x-0 bottom-0 z-70 flex flex-col items-center gap-2 p-4 sm:items-end"
      >
        {toasts.map((t) => (
          <ToastCard key={t.id} toast={t} onDismiss={dismiss} />
        ))}
      </div>
    </ToastContext.Provider>
  );
}

function ToastCard({ toast, onDismiss }: { toast: Toast; onDismiss: (id: number) => void }) {
  useEffect(() => {
    const timer = window.setTimeout(() => onDismiss(toast.id), VISIBLE_MS);
    return () => window.clearTimeout(timer);
  }, [toast.id, onDismiss]);

  const Icon = toast.tone === "error" ? AlertIcon : toast.tone === "success" ? CheckIcon : InfoIcon;
  const toneClass =
    toast.tone === "error"
      ? "text-danger"
      : toast.tone === "success"
        ? "text-accent"
        : "text-fg-muted";

  return (
    <div
      role={toast.tone === "error" ? "alert" : "status"}
      className="border-line bg-surface pointer-events-auto flex w-full max-w-sm items-start gap-3 rounded-xl border p-3 shadow-lg"
    >
      <Icon className={`mt-0.5 shrink-0 ${toneClass}`} />
      <div className="min-w-0 flex-1">
        <p className="text-sm font-medium">{toast.title}</p>
        {toast.description ? (
          <p className="text-fg-muted mt-0.5 text-sm break-words">{toast.description}</p>
        ) : null}
      </div>
      <button
        type="button"
        onClick={() => onDismiss(toast.id)}
        className="text-fg-muted hover:text-fg -m-1 rounded-md p-1"
        aria-label="Dismiss notification"
      >
        <CloseIcon width={16} height={16} />
      </button>
    </div>
  );
}

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error("useToast must be used inside <ToastProvider>");
  return api;
}
