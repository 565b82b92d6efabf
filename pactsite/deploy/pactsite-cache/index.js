// Keeps pactsite's build cache (.pactsite-cache/) between Netlify builds, with Netlify's
// own cache utility (utils.cache, the same that netlify-plugin-cache wraps); onPostBuild runs
// only after the build command succeeded. The cache is
// keyed by content, template, settings and pactsite version, so a restored cache can only
// make the build faster, never different; "Clear cache and deploy site" starts it over.
const CACHE = ".pactsite-cache";

module.exports = {
  async onPreBuild({ utils }) {
    if (await utils.cache.restore(CACHE)) {
      console.log(`pactsite: restored ${CACHE} from the previous build`);
    }
  },
  async onPostBuild({ utils }) {
    if (await utils.cache.save(CACHE)) {
      console.log(`pactsite: saved ${CACHE} for the next build`);
    }
  },
};
