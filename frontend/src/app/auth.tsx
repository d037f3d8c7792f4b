// Who is signed in. Loaded once from /me; null means the login page.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { auth } from '../api/endpoints';
import type { Me, Role } from '../api/types';

interface AuthState {
  me: Me | null;
  loading: boolean;
  setMe: (me: Me | null) => void;
  logout: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    let live = true;
    (async () => {
      try {
        await auth.csrf();
        const m = await auth.me();
        if (live) setMe(m);
      } catch (e) {
        if (!(e instanceof ApiError)) console.error(e);
        if (live) setMe(null);
      } finally {
        if (live) setLoading(false);
      }
    })();
    return () => {
      live = false;
    };
  }, []);
  const logout = useCallback(async () => {
    try {
      await auth.logout();
    } finally {
      setMe(null);
      await auth.csrf().catch(() => undefined);
    }
  }, []);
  return <AuthContext.Provider value={{ me, loading, setMe, logout }}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

export function roleIn(me: Me | null, organization: number): Role | null {
  return me?.memberships.find((m) => m.organization.id === organization)?.role ?? null;
}

export function canManage(me: Me | null, organization: number): boolean {
  const r = roleIn(me, organization);
  return r === 'owner' || r === 'manager';
}

export function managedOrganizations(me: Me | null) {
  return (me?.memberships ?? []).filter((m) => m.role === 'owner' || m.role === 'manager').map((m) => m.organization);
}
