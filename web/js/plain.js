// Pages with nothing but text (the 404 page): the language and the chrome.
import { start } from './app.js';

await start({ auth: 'optional' });
