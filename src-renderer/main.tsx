/** Entry: pick the channel to the engine, build the stores, render. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { clientForPage } from './api/client';
import { App } from './app/App';
import { ServicesContext } from './app/hooks';
import { createServices } from './app/services';
import './styles/app.css';

// The token came in the address once; the server keeps it in an HttpOnly cookie. Drop it from the
// address bar so it is not bookmarked, shared in a screenshot or kept in history.
if (new URLSearchParams(window.location.search).has('token')) {
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.hash}`);
}

const client = clientForPage();
const services = createServices(client);
client.start();

const root = document.getElementById('root');
if (!root) throw new Error('no #root element');
createRoot(root).render(
  <StrictMode>
    <ServicesContext.Provider value={services}>
      <App />
    </ServicesContext.Provider>
  </StrictMode>,
);
