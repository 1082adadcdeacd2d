// Route handlers only. NEXT_DIST_DIR lets two test servers share this directory at once.
export default { reactStrictMode: true, devIndicators: false, distDir: process.env.NEXT_DIST_DIR || ".next" };
