import { holdBackExpectedLogs } from "../helpers/logs.ts";

holdBackExpectedLogs();
