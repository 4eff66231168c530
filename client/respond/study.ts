import { createContext, useContext } from 'react';
import type { Study } from './api.js';

/** Before a link is opened nothing says which study it belongs to, so no study is named. */
export const NEUTRAL_STUDY: Study = { name: 'Fieldkit survey', contactEmail: '', header: '', footer: '' };

/** The study of the link being answered, from the server; every page's banner and footer show it. */
export const StudyContext = createContext<Study>(NEUTRAL_STUDY);

export const useStudy = (): Study => useContext(StudyContext);
