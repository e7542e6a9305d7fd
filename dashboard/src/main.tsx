/**
 * @module dashboard/main
 * The entry point: the router over the browser's history, and the app.
 */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app.js";
import { createRouter } from "./router.js";
import "./styles.css";

const router = createRouter(window, window.history);
const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <App router={router} />
  </StrictMode>,
);
