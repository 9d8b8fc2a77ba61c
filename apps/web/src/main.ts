import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { ensureSignedIn, installAuthFetch } from './api/auth.js';
import { i18n } from './i18n/index.js';
import { useSessionStore } from './stores/session.js';
import './styles.css';

document.documentElement.lang = i18n.global.locale.value;
installAuthFetch();
// Nothing renders before we know who this is: without a session the browser goes to sign in.
void ensureSignedIn().then((principal) => {
  const pinia = createPinia();
  const app = createApp(App).use(pinia).use(i18n);
  useSessionStore(pinia).principal = principal;
  app.mount('#app');
});
