// rules/<id>.html: the page is complete without JavaScript; this turns its examples into live
// <kubeharden-example> editors (the engine loads once, when the first one is in view).
import '../style.css';
import './docs.css';
import '../embed/kubeharden-example';
import { registerServiceWorkerWhenIdle } from '../offline';

registerServiceWorkerWhenIdle('../');
