/**
 * The editor's code, bundled by scripts/build.js into resources/editor.js (an IIFE), which each
 * node's .html loads before registering its type with Node-RED: the registrations keep what the
 * flow library's validator reads (category, colour, defaults...) and delegate the rest here.
 */
import * as credentials from './credentials-dialog';
import * as request from './request-dialog';
import * as watch from './watch-dialog';
import { addStyle } from './style';

// The three .html files each load the bundle (a node set may be disabled in the palette): the
// first load defines it, the others keep it.
if (!window.OvhCloudEditor) {
  window.OvhCloudEditor = { request, watch, credentials };
  addStyle();
}
