import { buildPreClearanceApp } from './pre-clearance-app.ts';

buildPreClearanceApp().app.synth();
