import 'survey-core/survey-core.fontless.min.css';
import './styles.css';
// Registers the instrument's `dk` property with SurveyJS; must run before any Model is created.
import '../../server/instruments/extensions.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { registerCountDontKnowRenderer } from './CountDontKnow.js';

registerCountDontKnowRenderer();

const container = document.getElementById('root');
if (!container) throw new Error('The page has no #root element.');
createRoot(container).render(
  <StrictMode>
    <App pathname={window.location.pathname} />
  </StrictMode>,
);
