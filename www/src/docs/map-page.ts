// maps/*.html: static tables; the script only brings the styles and offline use.
import '../style.css';
import './docs.css';
import { registerServiceWorkerWhenIdle } from '../offline';

registerServiceWorkerWhenIdle('../');
