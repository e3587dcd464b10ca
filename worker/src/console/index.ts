export { consoleApp } from "./app.ts";
