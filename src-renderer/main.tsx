/** Entry: pick the channel to the engine, build the stores, render. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { clientForPage } from './api/client';
import { takePageToken } from './api/pageToken';
import { App } from './app/App';
import { ServicesContext } from './app/hooks';
import { createServices } from './app/services';
import './styles/app.css';

const client = clientForPage(takePageToken());
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
