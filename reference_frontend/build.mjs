// `npm run build`: bundle the dashboard (better-auth/client + jwtClient) with esbuild into dist/.
import { copyFile, mkdir } from "node:fs/promises";
import { build } from "esbuild";

await mkdir("dist", { recursive: true });
await build({
  entryPoints: ["src/dashboard/app.js"],
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  outfile: "dist/app.js",
  minify: true,
  sourcemap: false,
  logLevel: "warning",
});
await Promise.all(["index.html", "styles.css"].map((f) => copyFile(`src/dashboard/${f}`, `dist/${f}`)));
