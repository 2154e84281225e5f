import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import './styles.css';

// No StrictMode: its doubled effects would stop a live list's informer and start it again,
// which an informer refuses (src/client/informer.ts); the lists live as long as their view.
createRoot(document.getElementById('root')!).render(<App />);
