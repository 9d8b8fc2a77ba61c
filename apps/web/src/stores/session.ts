import type { Principal } from '@zcp/model';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { signOut } from '../api/auth.js';

/** Who is signed in (set once at start-up from /api/auth/me). */
export const useSessionStore = defineStore('session', () => {
  const principal = ref<Principal | undefined>();
  return { principal, signOut };
});
