// The repo's settings, except that html`` templates are left alone: reflowing them would change the bytes
// the shop serves, and recordings and screenshots of it are compared byte for byte.
import root from "../../.prettierrc.json" with { type: "json" };

export default { ...root, embeddedLanguageFormatting: "off" };
